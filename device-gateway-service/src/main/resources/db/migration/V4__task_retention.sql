-- Ended tasks are forgotten after ota.retention.finished-tasks (UplinkRetention): walked by their end time.
CREATE INDEX gateway_task_ended ON gateway_task (updated_at) WHERE state = 'ENDED';

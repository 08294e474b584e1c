-- The console's plan page (issue #19): results per minute read the plan's ended tasks by time.
CREATE INDEX upgrade_task_ended ON upgrade_task (plan_id, updated_at)
    WHERE state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT');

-- Waves (issue #23): a plan may roll out in ordered waves, each promoted to the next by its success gate
-- (and an operator's approval where the wave asks for one) or halted by its error gate. A task belongs to
-- the wave that was current when it was created; tasks of plans without waves have none.
ALTER TABLE upgrade_task ADD COLUMN wave integer;
CREATE INDEX upgrade_task_by_wave ON upgrade_task (plan_id, wave, state) WHERE wave IS NOT NULL;

-- One row per wave that has begun: its state and the moments its gates were decided on. The push pass
-- (under its advisory lock) and an operator's approval move it; every move is a conditional update.
CREATE TABLE plan_wave (
    plan_id       uuid          NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    wave          integer       NOT NULL,
    state         varchar(24)   NOT NULL,
    started_at    timestamptz   NOT NULL,
    -- results count from here: the wave's start, or the operator's resume after a halt
    counted_from  timestamptz   NOT NULL,
    -- when the success gate's figures were first met (its soak time runs from here); null while they are not
    gate_met_at   timestamptz,
    ended_at      timestamptz,
    reason        varchar(500),
    approved_by   varchar(200),
    PRIMARY KEY (plan_id, wave)
);

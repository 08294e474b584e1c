-- A plan's figures over a million devices (issue #19: the console's plan page in under a second). The
-- statistics count each device's latest attempt; finding it with DISTINCT ON sorted every task of the
-- plan on every read. Instead a task is marked superseded when a newer task of the same device and plan
-- is created (here, by the database, whichever code path inserts it), and the figures count the tasks
-- that are not: a count over an index, equal to the recount by construction.
ALTER TABLE upgrade_task ADD COLUMN superseded boolean NOT NULL DEFAULT false;

UPDATE upgrade_task t SET superseded = true
 WHERE EXISTS (SELECT 1 FROM upgrade_task later
                WHERE later.plan_id = t.plan_id AND later.product_key = t.product_key
                  AND later.device_key = t.device_key
                  AND (later.attempt, later.created_at) > (t.attempt, t.created_at));

-- one statement per insert, however many tasks it creates (the scheduler creates them in runs)
CREATE FUNCTION upgrade_task_supersede() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE upgrade_task t SET superseded = true
      FROM created c
     WHERE t.product_key = c.product_key AND t.device_key = c.device_key AND t.plan_id = c.plan_id
       AND t.id <> c.id AND NOT t.superseded;
    RETURN NULL;
END
$$;

CREATE TRIGGER upgrade_task_supersede AFTER INSERT ON upgrade_task
    REFERENCING NEW TABLE AS created FOR EACH STATEMENT EXECUTE FUNCTION upgrade_task_supersede();

-- the statistics and the task list's filters and counts read this one index
DROP INDEX upgrade_task_by_plan;
CREATE INDEX upgrade_task_by_plan ON upgrade_task (plan_id, state, superseded);

-- the task list's order by latest activity, and the results per minute from the index alone
DROP INDEX upgrade_task_ended;
CREATE INDEX upgrade_task_by_plan_updated ON upgrade_task (plan_id, updated_at, id) INCLUDE (state);

-- Release approval (issue #35): with ota.firmware.release.approvals = 2 a package is stored and checked at
-- upload but signed only when a second person with the release right approves it; until then it has no
-- signature and no plan may send it. Packages stored before were released by their upload.
ALTER TABLE firmware ALTER COLUMN signature DROP NOT NULL;
ALTER TABLE firmware ALTER COLUMN key_id DROP NOT NULL;
ALTER TABLE firmware ADD COLUMN release varchar(16) NOT NULL DEFAULT 'APPROVED'
    CHECK (release IN ('PENDING_APPROVAL', 'APPROVED'));
ALTER TABLE firmware ADD COLUMN uploaded_by varchar(200);
ALTER TABLE firmware ADD COLUMN approved_by varchar(200);
ALTER TABLE firmware ADD COLUMN approved_at timestamptz;

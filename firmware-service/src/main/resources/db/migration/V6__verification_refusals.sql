-- A verification run plan-service refuses (issue #35: a device that is no test device, a downgrade, a package
-- that does not fit) never ran: the package goes back to the verification it had before the request.
ALTER TABLE firmware ADD COLUMN verification_before varchar(16);

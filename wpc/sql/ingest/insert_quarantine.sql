-- grain: one row per row of the upload that was not stored: the row once, its problems as codes.
-- inputs: staged_quarantine (values already reduced: no full postcode, no ref, free text scrubbed)
insert into quarantine (upload_id, kind, line, row_json, problems)
select $upload_id, $kind, cast(line as integer), row_json, problems
from staged_quarantine

-- grain: one row per problem of a row that was not stored.
-- inputs: staged_quarantine (values already reduced: no full postcode, no ref, quotes scrubbed)
insert into quarantine (upload_id, kind, line, column_name, value, reason, row_json)
select $upload_id, $kind, cast(line as integer), column_name, value, reason, row_json
from staged_quarantine

-- grain: one row per distinct reason of the upload's quarantined rows (the codes' texts).
-- inputs: staged_reasons (reason code, text scrubbed of personal identifiers)
insert into quarantine_reasons (upload_id, reason, text)
select $upload_id, cast(reason as integer), text
from staged_reasons

-- grain: one row per registered preset, with its full configuration as JSON.
-- inputs: ref_preset
select preset, config_json
from ref_preset
order by preset

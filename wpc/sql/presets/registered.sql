-- grain: one row per preset registered in the database (all of them, or the one named by
-- $preset), built-in presets first, with its full configuration as JSON.
-- inputs: ref_preset
select preset, config_json
from ref_preset
where $preset is null or preset = $preset
order by builtin desc, preset

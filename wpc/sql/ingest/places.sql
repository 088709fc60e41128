-- grain: one row per place of a registered preset, in the preset's order.
-- inputs: ref_place, ref_preset
select distinct ref_place.preset, ref_preset.name as preset_name, ref_place.place, ref_place.place_order
from ref_place
inner join ref_preset using (preset)
order by ref_place.preset, ref_place.place_order

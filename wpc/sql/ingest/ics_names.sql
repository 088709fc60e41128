-- grain: one row per name an activity covering a whole ICS may give as its place: each
-- registered preset's name, id and ICB code (docs/data-standard.md, place).
-- inputs: ref_preset
select preset, name from ref_preset
union
select preset, preset as name from ref_preset
union
select preset, icb24cd as name from ref_preset where icb24cd is not null
order by preset, name

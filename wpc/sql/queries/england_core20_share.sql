-- grain: one row: the share of England's usual residents living in Core20 LSOAs.
-- Not exactly 20%, because Core20 is 20% of LSOAs, not of people. inputs: ref_lsoa
select sum(population) filter (where core20) / sum(population) as core20_share
from ref_lsoa

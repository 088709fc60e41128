-- grain: one row per dimension x category: Census 2021 residents of the scope.
-- inputs: int_scope_population
select dimension, category, population
from int_scope_population
order by dimension, category

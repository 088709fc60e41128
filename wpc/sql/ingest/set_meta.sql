-- grain: one key of meta set to a value (inserted, or replacing the value stored).
merge into meta
using (select $key as key, $value as value) as given
on meta.key = given.key
when matched then update set value = given.value
when not matched then insert (key, value) values (given.key, given.value)

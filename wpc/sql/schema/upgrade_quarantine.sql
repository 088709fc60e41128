-- A quarantine of one row per problem (row_json repeated, reason text per row), as databases
-- built before the compact quarantine hold it, turned into one row per quarantined row with
-- its problems as codes into quarantine_reasons. Run only on such a database.
insert into quarantine_reasons (upload_id, reason, text)
select upload_id, cast(row_number() over (partition by upload_id order by reason) - 1 as integer), reason
from (select distinct upload_id, reason from quarantine);
create table quarantine_compact as
select
    quarantine.upload_id,
    any_value(quarantine.kind) as kind,
    quarantine.line,
    any_value(quarantine.row_json) as row_json,
    list({'column_name': quarantine.column_name, 'reason': quarantine_reasons.reason}) as problems
from quarantine
inner join quarantine_reasons
    on quarantine_reasons.upload_id = quarantine.upload_id and quarantine_reasons.text = quarantine.reason
group by quarantine.upload_id, quarantine.line;
drop table quarantine;
alter table quarantine_compact rename to quarantine;

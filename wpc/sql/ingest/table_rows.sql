-- grain: one row: how many rows each engagement table holds.
select
    (select count(*) from uploads) as uploads,
    (select count(*) from activities) as activities,
    (select count(*) from participants) as participants,
    (select count(*) from returns) as returns,
    (select count(*) from insights) as insights,
    (select count(*) from quarantine) as quarantine

-- Record keys for disclosure control (docs/disclosure.md, "Small changes"): every stored
-- record gets a fixed random key from 0 to 255 when it is written, and keeps it. A count's
-- cell key is the sum of its records' keys modulo 256, and picks its perturbation. The keys
-- are secret: no output shows them, and nothing but the measures reads them.
-- participants: one key per person per activity; returns: one per aggregated-returns row
-- (standing for the people it counts); activities: one per activity, standing for the people
-- of a headcount with no rows behind it. The default draws the key (DuckDB's random(), seeded
-- from the operating system), so the insert statements need not name the column; a database
-- built before keys existed gains the column here, with a key drawn for every row.
alter table participants add column if not exists record_key utinyint default cast(floor(random() * 256) as utinyint);
alter table returns add column if not exists record_key utinyint default cast(floor(random() * 256) as utinyint);
alter table activities add column if not exists record_key utinyint default cast(floor(random() * 256) as utinyint);

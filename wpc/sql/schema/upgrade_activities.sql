-- Activities' columns added after the first release (docs/data-standard.md): whether an
-- activity is planned, held or cancelled (every activity stored before is held), the kind of
-- partner, and the areas a plan sets out to reach. Run by `wpc init` on every build.
alter table activities add column if not exists status varchar default 'held';
alter table activities add column if not exists organisation_type varchar;
alter table activities add column if not exists target_areas varchar[];

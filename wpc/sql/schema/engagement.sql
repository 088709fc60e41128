-- The engagement data users upload, the quarantine of rows that could not be stored, and
-- the audit of uploads. Created if absent by `wpc init`; never dropped by a rebuild.
-- Personal data rules (SECURITY.md, What wpc never stores): no full postcode and no raw participant_ref is stored
-- anywhere in these tables; quotes are scrubbed before they reach `insights`.
-- Keys are written as comments, not constraints: a DuckLake store accepts no PRIMARY KEY,
-- UNIQUE or sequence, so ingest keeps the keys itself (MERGE by key, ids allocated in the
-- upload's transaction) and checks them before every commit (ingest/duplicate_keys.sql).

-- key: key. Holds schema_version, default_preset, last_upload_id, write_serial, salt_check...
create table if not exists meta (
    key   varchar,
    value varchar
);

-- grain: one row per upload attempt that was read (refused files are not recorded); key: upload_id
create table if not exists uploads (
    upload_id        integer not null,  -- allocated in the upload's transaction (ingest/next_upload_id)
    uploaded_at      timestamp not null,
    kind             varchar not null,   -- activities | participants | returns | insights
    file_name        varchar not null,
    file_sha256      varchar not null,
    rows_read        integer not null,
    rows_stored      integer not null,
    rows_quarantined integer not null,
    source           varchar not null,   -- upload (app) | cli | demo
    uploaded_by      varchar
);

-- grain: one row per engagement activity; key: activity_id (upserted by it)
create table if not exists activities (
    activity_id        varchar not null,
    preset             varchar not null,  -- ICS the activity's place belongs to
    place              varchar not null,  -- canonical preset place name, or 'ICS-wide' (vocab.ICS_WIDE)
    title              varchar not null,
    start_date         date not null,
    end_date           date,
    organisation       varchar,
    programme          varchar,
    method             varchar,            -- one of vocab.METHODS
    ladder_rung        tinyint,            -- 1..7, vocab.LADDER
    cycle_stage        tinyint,            -- 1..5, vocab.CYCLE
    target_groups      varchar[],          -- PLUS group codes, 'core20' allowed
    clinical_areas     varchar[],          -- vocab.CLINICAL_AREAS codes
    participants_total integer,            -- headcount when no individual rows exist
    cost_gbp           decimal(14, 2),
    feedback_due       date,
    feedback_date      date,
    you_said           varchar,
    we_did             varchar,
    report_url         varchar,
    upload_id          integer not null,
    status             varchar default 'held',  -- held | planned | cancelled; only held activities count in measures
    organisation_type  varchar,                 -- vocab.ORGANISATION_TYPES code
    target_areas       varchar[],               -- LSOA, MSOA or district codes a plan sets out to reach
    record_key         utinyint default cast(floor(random() * 256) as utinyint)  -- secret: schema/record_keys.sql
);

-- grain: one row per person per activity (pseudonymous equality monitoring); key: upload_id,
-- source_line; and activity_id, participant_hash where a hash is given (one row per person)
create table if not exists participants (
    upload_id                integer not null,
    source_line              integer not null,  -- line in the uploaded file
    activity_id              varchar not null,
    participant_hash         varchar,            -- salted hash of participant_ref
    lsoa21cd                 varchar,            -- home LSOA; null = unknown
    home_area_status         varchar not null,   -- mapped_postcode | lsoa_code | unmapped_postcode | invalid_postcode | not_given
    age_band                 varchar not null,   -- vocab.AGE_BAND code or 'unknown'
    sex                      varchar not null,
    gender_same_as_birth     varchar not null,
    ethnicity                varchar not null,   -- vocab.ETHNICITY code or 'unknown'
    disability               varchar not null,
    carer                    varchar not null,
    religion                 varchar not null,
    sexual_orientation       varchar not null,
    pregnant_or_recent_birth varchar not null,
    inclusion_groups         varchar[],          -- codes; empty list = none given
    record_key               utinyint default cast(floor(random() * 256) as utinyint)  -- secret: schema/record_keys.sql
);

-- grain: one row per activity x dimension x category (aggregated monitoring); key: those three
-- (upserted by it)
create table if not exists returns (
    activity_id varchar not null,
    dimension   varchar not null,  -- imd_quintile | ethnicity | ethnicity_group | age_band | sex | disability | carer | inclusion_group | lsoa_code
    category    varchar not null,  -- normalised code, or 'unknown'
    count       integer not null,
    upload_id   integer not null,
    record_key  utinyint default cast(floor(random() * 256) as utinyint)  -- secret: schema/record_keys.sql
);

-- grain: one row per insight; key: insight_id (upserted by it)
create table if not exists insights (
    insight_id   varchar not null,
    activity_id  varchar,
    insight_date date,
    preset       varchar,
    place        varchar,
    programme    varchar,
    themes       varchar[],
    summary      varchar,
    quote        varchar,          -- scrubbed of e-mail addresses, phone numbers, postcodes, NHS numbers
    groups       varchar[],
    source_title varchar,
    source_url   varchar,
    status       varchar,          -- open | acted on | not possible
    action_taken varchar,
    scrub_note   varchar,          -- what was removed from the quote on ingest, if anything
    upload_id    integer not null
);

-- grain: one row per row of an upload that was not stored (the row once, its problems as codes)
create table if not exists quarantine (
    upload_id integer not null,
    kind      varchar not null,
    line      integer not null,  -- line in the uploaded file (header is line 1)
    row_json  varchar not null,  -- the row's cells in the standard's columns, personal data reduced (see ingest)
    problems  struct(column_name varchar, reason integer)[] not null  -- the field (null: the whole row) and reason code
);

-- grain: one row per distinct reason of an upload's quarantined rows; quarantine.problems refer to it by code
create table if not exists quarantine_reasons (
    upload_id integer not null,
    reason    integer not null,
    text      varchar not null  -- scrubbed of personal identifiers
);

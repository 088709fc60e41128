-- grain: one row per English LSOA 2021 assigned to a primary care network: the PCN whose
-- practices have the most of its registered patients (wpc.gp_registrations). Created empty;
-- filled by `wpc init --gp-registrations FILE`; a rebuild without a file keeps it.
create table if not exists ref_lsoa_pcn (
    lsoa21cd      varchar not null,
    pcn_code      varchar not null,
    pcn_name      varchar not null,
    patients      integer not null,  -- the LSOA's patients registered with that PCN's practices
    lsoa_patients integer not null   -- the LSOA's patients registered at any practice in the file
);

-- grain: one new upload id from the sequence.
select nextval('upload_id_seq') as upload_id

"""The database itself refuses to change or remove a document or a stored file's record.

A document is never overwritten: a correction is the next version. Row triggers refuse UPDATE
and DELETE of ``documents_document`` and ``documents_documentfile`` however they are run (ORM,
raw SQL, psql); only the table owner can get past them, and only visibly (``ALTER TABLE …
DISABLE TRIGGER``). TRUNCATE is left to the owner (test databases are emptied with it).
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION documents_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'DOC-205: % is never changed; % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Documents are never overwritten or removed; add a new version instead.';
END;
$$;

CREATE TRIGGER documents_document_immutable
    BEFORE UPDATE OR DELETE ON documents_document
    FOR EACH ROW EXECUTE FUNCTION documents_refuse_change();

CREATE TRIGGER documents_documentfile_immutable
    BEFORE UPDATE OR DELETE ON documents_documentfile
    FOR EACH ROW EXECUTE FUNCTION documents_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS documents_documentfile_immutable ON documents_documentfile;
DROP TRIGGER IF EXISTS documents_document_immutable ON documents_document;
DROP FUNCTION IF EXISTS documents_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_documents_folders_types_batches_queue")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]

-- A process-wide generation number for the metadata every row request reads (tables,
-- their database and workspace, fields, select options, memberships, member names).
-- Each backend caches that metadata stamped with the generation it read; any change to
-- those tables moves the generation on, and the next request on every backend sees the
-- new number and reloads. A sequence never blocks concurrent writers, but it moves
-- before the writer commits: a writer therefore also holds a shared advisory lock until
-- its transaction ends, and a backend only caches what it loaded while no writer held
-- that lock (see backend/src/database/metadata_cache.rs).
CREATE SEQUENCE metadata_generation;

CREATE FUNCTION bump_metadata_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The key is the cache's; it is released when the writer's transaction ends.
    PERFORM pg_advisory_xact_lock_shared(7362516001);
    PERFORM nextval('metadata_generation');
    RETURN NULL;
END
$$;

CREATE TRIGGER metadata_generation_fields AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON database_fields FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
CREATE TRIGGER metadata_generation_select_options AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON database_select_options FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
-- Row writes update `row_count` and `event_seq` of their table: those do not count.
CREATE TRIGGER metadata_generation_tables AFTER INSERT OR DELETE OR TRUNCATE
    ON database_tables FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
CREATE TRIGGER metadata_generation_tables_update
    AFTER UPDATE OF id, database_id, name, "order", created_on, trashed
    ON database_tables FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
CREATE TRIGGER metadata_generation_applications AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON applications FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
CREATE TRIGGER metadata_generation_workspaces AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON workspaces FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
CREATE TRIGGER metadata_generation_workspace_users AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON workspace_users FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
-- Collaborator fields carry their members' names.
CREATE TRIGGER metadata_generation_users AFTER INSERT OR DELETE OR TRUNCATE
    ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();
CREATE TRIGGER metadata_generation_users_update AFTER UPDATE OF id, first_name
    ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_metadata_generation();

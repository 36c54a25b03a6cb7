-- rules 4.14: the journal is a bound book. Entries and their records are append-only, enforced by
-- the database itself; corrections are new records. The hash chain (journal verify) catches what a
-- superuser does with triggers disabled.
CREATE OR REPLACE FUNCTION senim_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'senim: % on % refused: the journal is append-only (rules 4.14)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'P0001';
END
$$;
--> statement-breakpoint
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
  FOR EACH ROW EXECUTE FUNCTION senim_refuse_change();
--> statement-breakpoint
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
  FOR EACH STATEMENT EXECUTE FUNCTION senim_refuse_change();
--> statement-breakpoint
CREATE TRIGGER entry_events_append_only BEFORE UPDATE OR DELETE ON entry_events
  FOR EACH ROW EXECUTE FUNCTION senim_refuse_change();
--> statement-breakpoint
CREATE TRIGGER entry_events_no_truncate BEFORE TRUNCATE ON entry_events
  FOR EACH STATEMENT EXECUTE FUNCTION senim_refuse_change();
--> statement-breakpoint
INSERT INTO chain_heads (chain, last_number, last_hash) VALUES
  ('entries', 0, repeat('0', 64)),
  ('events', 0, repeat('0', 64))
ON CONFLICT DO NOTHING;

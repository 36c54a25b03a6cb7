CREATE TABLE "message_pieces" (
	"message_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "message_pieces_message_id_seq_pk" PRIMARY KEY("message_id","seq")
);
--> statement-breakpoint
ALTER TABLE "message_pieces" ADD CONSTRAINT "message_pieces_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- ciphertext does not compress: store the pieces out of line without trying
ALTER TABLE "message_pieces" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
--> statement-breakpoint
-- a stored original never changes (rules 4.14, as entries)
CREATE TRIGGER message_pieces_append_only BEFORE UPDATE OR DELETE ON message_pieces
  FOR EACH ROW EXECUTE FUNCTION senim_refuse_change();
--> statement-breakpoint
CREATE TRIGGER message_pieces_no_truncate BEFORE TRUNCATE ON message_pieces
  FOR EACH STATEMENT EXECUTE FUNCTION senim_refuse_change();

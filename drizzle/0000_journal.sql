CREATE TABLE "answer_addresses" (
	"entry_number" integer PRIMARY KEY NOT NULL,
	"address" "bytea" NOT NULL,
	"key_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_heads" (
	"chain" text PRIMARY KEY NOT NULL,
	"last_number" integer NOT NULL,
	"last_hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_keys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"wrapped" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entries" (
	"number" integer PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"anonymous" boolean NOT NULL,
	"personal" "bytea",
	"key_id" bigint,
	"content" text NOT NULL,
	"language" text NOT NULL,
	"mixed_language" boolean DEFAULT false NOT NULL,
	"scope" text NOT NULL,
	"category" text,
	"evidence" jsonb NOT NULL,
	"site" text,
	"due_date" date NOT NULL,
	"backlog" boolean DEFAULT false NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entry_events" (
	"seq" integer PRIMARY KEY NOT NULL,
	"entry_number" integer NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_number" integer,
	"source" text NOT NULL,
	"mailbox" text,
	"uid_validity" bigint,
	"uid" bigint,
	"message_id" text,
	"text_sha256" text,
	"raw_sha256" text NOT NULL,
	"raw_size" integer NOT NULL,
	"raw" "bytea",
	"key_id" bigint,
	"received_at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"parsed" "bytea",
	"notes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"entry_number" integer,
	"message_id" text NOT NULL,
	"recipient_hash" text,
	"automatic" boolean NOT NULL,
	"mail" "bytea" NOT NULL,
	"key_id" bigint NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"head_number" integer NOT NULL,
	"head_hash" text NOT NULL,
	"outbox_id" bigint,
	CONSTRAINT "reports_kind_period_pk" PRIMARY KEY("kind","period")
);
--> statement-breakpoint
CREATE TABLE "secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" "bytea" NOT NULL,
	"key_id" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_health" (
	"source" text PRIMARY KEY NOT NULL,
	"last_poll_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"auth_expires_at" timestamp with time zone,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "answer_addresses" ADD CONSTRAINT "answer_addresses_entry_number_entries_number_fk" FOREIGN KEY ("entry_number") REFERENCES "public"."entries"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entry_events" ADD CONSTRAINT "entry_events_entry_number_entries_number_fk" FOREIGN KEY ("entry_number") REFERENCES "public"."entries"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_entry_number_entries_number_fk" FOREIGN KEY ("entry_number") REFERENCES "public"."entries"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_entry_number_entries_number_fk" FOREIGN KEY ("entry_number") REFERENCES "public"."entries"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "entries_received_at" ON "entries" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "entry_events_entry" ON "entry_events" USING btree ("entry_number","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_raw_sha256" ON "messages" USING btree ("raw_sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_imap_uid" ON "messages" USING btree ("mailbox","uid_validity","uid");--> statement-breakpoint
CREATE INDEX "messages_message_id" ON "messages" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "messages_entry" ON "messages" USING btree ("entry_number");--> statement-breakpoint
CREATE INDEX "messages_status" ON "messages" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe" ON "outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outbox_recipient" ON "outbox" USING btree ("recipient_hash","created_at");
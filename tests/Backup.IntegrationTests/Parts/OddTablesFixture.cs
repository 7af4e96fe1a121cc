namespace Backup.IntegrationTests.Parts;

/// <summary>
/// A database of tables that trip up naive SQL text: quotes, dots, spaces, unicode and mixed case in
/// names (and a schema with a dot in its name), a range-partitioned table with a default partition,
/// an unlogged table, large objects, generated and dropped columns, inheritance, every awkward kind
/// of value, and a zero-column table. Each is over 32 KB, so a backup with 1 MB parts copies it as
/// a part; the biggest ones are over 1.25 MB, so they are split by pages.
/// </summary>
public sealed class OddTablesFixture : IAsyncLifetime
{
    public string Database { get; } = "it_parts_odd_" + Guid.NewGuid().ToString("N")[..8];

    // Names as the manifest writes them (schema.table, unquoted).
    public const string Quoted = "public.quo\"te";
    public const string Dotted = "public.dot.ted";
    public const string Spaced = "public.with space";
    public const string Unicode = "public.zürich_日本";
    public const string Mixed = "public.MixedCase";
    public const string InDottedSchema = "odd.schema.Inner";
    public const string Leaf1 = "odd.schema.Range \"2024\"";
    public const string Leaf2 = "odd.schema.Range \"2025\"";
    public const string LeafDefault = "odd.schema.Range other";
    public const string Unlogged = "public.unlogged";
    public const string WithLargeObjects = "public.documents";
    public const string Generated = "public.generated";
    public const string DroppedColumn = "public.dropped_column";
    public const string Parent = "public.parent";
    public const string Child = "public.child";
    public const string Values = "public.awkward_values";

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(Database);
        await TestServer.ExecuteAsync(Database, """"
            CREATE TABLE "quo""te" (id int PRIMARY KEY, "col""q" text);
            INSERT INTO "quo""te" SELECT g, repeat('q', 60) || g FROM generate_series(1, 30000) g;
            CREATE TABLE "dot.ted" (id int PRIMARY KEY, "a.b" text);
            INSERT INTO "dot.ted" SELECT g, repeat('d', 40) FROM generate_series(1, 1000) g;
            CREATE TABLE "with space" (id int PRIMARY KEY, "two words" text);
            INSERT INTO "with space" SELECT g, repeat('s', 40) FROM generate_series(1, 1000) g;
            CREATE TABLE "zürich_日本" (id int PRIMARY KEY, "ünï" text);
            INSERT INTO "zürich_日本" SELECT g, repeat('ü', 40) FROM generate_series(1, 1000) g;
            CREATE TABLE "MixedCase" (id int PRIMARY KEY, "CamelCol" text, camelcol text);
            INSERT INTO "MixedCase" SELECT g, 'upper' || g, 'lower' || g FROM generate_series(1, 1500) g;

            CREATE SCHEMA "odd.schema";
            CREATE TABLE "odd.schema"."Inner" (id int PRIMARY KEY, v text);
            INSERT INTO "odd.schema"."Inner" SELECT g, repeat('i', 40) FROM generate_series(1, 1000) g;
            CREATE TABLE "odd.schema"."Range ""Parted""" (id int NOT NULL, at date NOT NULL, v text) PARTITION BY RANGE (at);
            CREATE TABLE "odd.schema"."Range ""2024""" PARTITION OF "odd.schema"."Range ""Parted""" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE "odd.schema"."Range ""2025""" PARTITION OF "odd.schema"."Range ""Parted""" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE TABLE "odd.schema"."Range other" PARTITION OF "odd.schema"."Range ""Parted""" DEFAULT;
            ALTER TABLE "odd.schema"."Range ""Parted""" ADD PRIMARY KEY (id, at);
            INSERT INTO "odd.schema"."Range ""Parted""" SELECT g, date '2024-01-01' + (g % 365), repeat('r', 60) FROM generate_series(1, 25000) g;
            INSERT INTO "odd.schema"."Range ""Parted""" SELECT g, date '2025-01-01' + (g % 365), repeat('r', 30) FROM generate_series(1, 1000) g;
            INSERT INTO "odd.schema"."Range ""Parted""" SELECT g, date '2030-01-01' + (g % 365), repeat('r', 30) FROM generate_series(1, 1000) g;

            CREATE UNLOGGED TABLE unlogged (id int PRIMARY KEY, v text);
            INSERT INTO unlogged SELECT g, repeat('u', 40) FROM generate_series(1, 1000) g;

            CREATE TABLE documents (id int PRIMARY KEY, body oid, note text);
            INSERT INTO documents SELECT g, CASE WHEN g <= 3 THEN lo_from_bytea(0, convert_to(repeat('large object ' || g, 1000), 'UTF8')) END, repeat('n', 40)
            FROM generate_series(1, 1000) g;

            CREATE TABLE generated (id int PRIMARY KEY, price numeric NOT NULL, qty int NOT NULL,
                total numeric GENERATED ALWAYS AS (price * qty) STORED, pad text);
            INSERT INTO generated (id, price, qty, pad) SELECT g, g / 7.0, g % 13, repeat('g', 40) FROM generate_series(1, 1000) g;

            CREATE TABLE dropped_column (id int PRIMARY KEY, gone text, kept text);
            INSERT INTO dropped_column SELECT g, repeat('x', 40), repeat('k', 40) || g FROM generate_series(1, 1000) g;
            ALTER TABLE dropped_column DROP COLUMN gone;

            CREATE TABLE parent (id int PRIMARY KEY, v text);
            CREATE TABLE child (extra text) INHERITS (parent);
            INSERT INTO parent SELECT g, repeat('p', 40) FROM generate_series(1, 1000) g;
            INSERT INTO child SELECT g, repeat('c', 40), 'extra' || g FROM generate_series(100001, 101000) g;

            CREATE TABLE awkward_values (id int PRIMARY KEY, b bytea, j json, jb jsonb, a text[], ia int[], t text, n numeric, f float8, ts timestamptz, iv interval);
            INSERT INTO awkward_values SELECT g,
                CASE WHEN g % 5 = 0 THEN NULL ELSE decode(md5(g::text) || '00ff5c0a09', 'hex') END,
                CASE WHEN g % 7 = 0 THEN NULL ELSE json_build_object('k', g, 'q', 'say "hi"\n', 'u', 'ü\\') END,
                jsonb_build_object('nested', jsonb_build_array(g, NULL, 'x\ty')),
                ARRAY['a,b', 'c"d', NULL, E'back\\slash', '{}', ''],
                ARRAY[g, NULL, -g],
                CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN E'tab\there' WHEN 2 THEN E'new\nline' WHEN 3 THEN E'back\\slash\\N' WHEN 4 THEN '\N' ELSE E'cr\r\nend' END,
                g / 3.0, CASE WHEN g % 11 = 0 THEN 'NaN'::float8 ELSE g / 3.0 END,
                timestamptz '2024-03-01 12:00+00' + g * interval '1 minute', g * interval '1 day 1 second'
            FROM generate_series(1, 1000) g;

            CREATE TABLE zero_columns ();
            INSERT INTO zero_columns SELECT FROM generate_series(1, 5000);
            """");
        await TestServer.ExecuteAsync(Database, "VACUUM ANALYZE");
    }

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(Database);
}

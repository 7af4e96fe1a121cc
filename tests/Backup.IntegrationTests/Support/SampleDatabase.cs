namespace Backup.IntegrationTests.Support;

/// <summary>A database holding every kind of object and value a restore must reproduce exactly.</summary>
public static class SampleDatabase
{
    public const string Schema = """
        CREATE SCHEMA sales;
        CREATE SCHEMA audit;
        CREATE TYPE sales.order_state AS ENUM ('new', 'paid', 'shipped', 'cancelled');
        CREATE DOMAIN sales.positive_money AS numeric(14,2) CHECK (VALUE >= 0);
        CREATE SEQUENCE sales.invoice_no START 1000 INCREMENT 7;

        CREATE TABLE sales.customers (
            id uuid PRIMARY KEY,
            name text NOT NULL,
            email text UNIQUE,
            tags text[] NOT NULL DEFAULT '{}',
            profile jsonb,
            settings json,
            created timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE sales.customers IS 'People who buy — «unicode» comment';

        CREATE TABLE sales.orders (
            id bigserial PRIMARY KEY,
            customer_id uuid NOT NULL REFERENCES sales.customers(id),
            state sales.order_state NOT NULL DEFAULT 'new',
            amount sales.positive_money NOT NULL,
            exact numeric,
            period tstzrange,
            quantity int4range,
            invoice bigint DEFAULT nextval('sales.invoice_no'),
            photo bytea,
            note text,
            total_with_tax numeric GENERATED ALWAYS AS (amount * 1.2) STORED
        );
        CREATE INDEX orders_customer_idx ON sales.orders (customer_id);
        CREATE INDEX orders_note_idx ON sales.orders (lower(note)) WHERE note IS NOT NULL;

        CREATE TABLE audit.events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            happened timestamptz NOT NULL,
            payload text
        );
        CREATE TABLE audit.log_documents (id serial PRIMARY KEY, document oid);

        CREATE FUNCTION audit.record() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO audit.events (happened, payload) VALUES (now(), TG_OP || ' ' || NEW.id::text);
            RETURN NEW;
        END $$;
        CREATE TRIGGER orders_audit AFTER INSERT ON sales.orders FOR EACH ROW EXECUTE FUNCTION audit.record();

        CREATE VIEW sales.paid_orders AS SELECT o.id, c.name, o.amount FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id WHERE o.state = 'paid';
        CREATE MATERIALIZED VIEW sales.revenue_by_state AS SELECT state, sum(amount) AS total, count(*) AS n FROM sales.orders GROUP BY state;

        CREATE TABLE public.big (id int PRIMARY KEY, label text NOT NULL, value double precision, at timestamptz);
        """;

    public const string Data = """
        INSERT INTO sales.customers (id, name, email, tags, profile, settings, created) VALUES
          ('00000000-0000-0000-0000-000000000001', 'Zoë Ångström', 'zoe@example.com', '{vip,"with space",""}', '{"a": [1, 2.50, null], "b": {"c": "ü"}}', '{"x": 1,  "y" : "kept as typed"}', '2026-01-01 10:00:00.123456+02'),
          ('00000000-0000-0000-0000-000000000002', '李雷', NULL, '{}', NULL, NULL, '1999-12-31 23:59:59+00'),
          ('00000000-0000-0000-0000-000000000003', '', '', '{NULL}', 'null', '[]', 'infinity');
        INSERT INTO sales.orders (customer_id, state, amount, exact, period, quantity, photo, note) VALUES
          ('00000000-0000-0000-0000-000000000001', 'paid', 12.34, 123456789012345678901234567890.123456789, '[2026-01-01 00:00+00,2026-02-01 00:00+00)', '[1,10)', '\x00ff10', 'first'),
          ('00000000-0000-0000-0000-000000000001', 'shipped', 0, 'NaN', 'empty', NULL, '', NULL),
          ('00000000-0000-0000-0000-000000000002', 'cancelled', 99999999.99, -0.000000001, NULL, '(,5]', NULL, E'tab\there\nnewline \\ backslash');
        SELECT setval('sales.invoice_no', 5000, true);
        INSERT INTO audit.log_documents (document) VALUES (lo_from_bytea(0, decode('6c61726765206f626a65637400ff01', 'hex')));
        REFRESH MATERIALIZED VIEW sales.revenue_by_state;
        INSERT INTO public.big SELECT g, 'row ' || g, g * 0.5, '2026-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 1000000) g;
        ANALYZE;
        """;

    public static async Task CreateAsync(string database, bool big = true)
    {
        await TestServer.CreateDatabaseAsync(database);
        await TestServer.ExecuteAsync(database, Schema);
        await TestServer.ExecuteAsync(database, big ? Data : Data.Replace("1000000", "1000", StringComparison.Ordinal));
    }
}

-- bench-full.sh's "many" dataset: the quick start's shop schema (scripts/lib/shop.sql) scaled up,
-- plus 40 smaller tables with indexes (four of them with a foreign key to customers). Scale 100 is
-- about 1 GB; psql -v scale=N. Everything comes from generate_series with fixed timestamps (no
-- random(), no now()), so every build holds the same rows and the runs compare.
\set ON_ERROR_STOP on
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE, joined timestamptz NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL, attributes jsonb);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, product_id int NOT NULL REFERENCES products,
                     quantity int NOT NULL, ordered timestamptz NOT NULL, note text);
INSERT INTO customers SELECT g, 'Customer ' || g, 'c' || g || '@example.com', timestamptz '2026-01-01' - g * interval '1 minute'
  FROM generate_series(1, 10000 * :scale) g;
INSERT INTO products SELECT g, 'Product ' || g, (g % 1000) / 10.0 + 0.99, jsonb_build_object('colour', (ARRAY['red','green','blue'])[g % 3 + 1], 'size', g % 50)
  FROM generate_series(1, 5000) g;
INSERT INTO orders (customer_id, product_id, quantity, ordered, note)
  SELECT 1 + g % (10000 * :scale), 1 + g % 5000, 1 + g % 7, timestamptz '2026-01-01' - g * interval '10 seconds', CASE WHEN g % 10 = 0 THEN 'gift wrap, please' END
  FROM generate_series(1, 60000 * :scale) g;
CREATE INDEX orders_customer ON orders (customer_id);

-- t01..t40: 100..500 rows per scale unit (300 on average), a text payload of 40-120 bytes.
SELECT set_config('bench.scale', :'scale', false) \g /dev/null
DO $$
DECLARE
  scale int := current_setting('bench.scale')::int;
BEGIN
  FOR i IN 1..40 LOOP
    EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, customer_id int%s, code text NOT NULL, amount numeric(12,2), created timestamptz NOT NULL, payload text)',
                   lpad(i::text, 2, '0'), CASE WHEN i % 10 = 0 THEN ' REFERENCES customers' ELSE '' END);
    EXECUTE format($q$INSERT INTO t%s SELECT g, 1 + g %% (10000 * %s), 'code-' || (g %% 997), (g %% 100000) / 100.0,
                   timestamptz '2026-01-01' - g * interval '1 second', repeat(md5(g::text), 1 + (g + %s) %% 4)
                   FROM generate_series(1, %s * 100 * %s) g$q$, lpad(i::text, 2, '0'), scale, i, 1 + i % 5, scale);
    EXECUTE format('CREATE INDEX t%s_created ON t%s (created)', lpad(i::text, 2, '0'), lpad(i::text, 2, '0'));
    EXECUTE format('CREATE INDEX t%s_code ON t%s (code)', lpad(i::text, 2, '0'), lpad(i::text, 2, '0'));
  END LOOP;
END $$;
ANALYZE;

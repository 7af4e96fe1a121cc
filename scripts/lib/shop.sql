-- The quick start's sample database 'shop' (customers, products, orders: ~600k rows); also the
-- drill benchmark's small case (benchmarks/bench-drill.sh).
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE, joined timestamptz NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL, attributes jsonb);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, product_id int NOT NULL REFERENCES products,
                     quantity int NOT NULL, ordered timestamptz NOT NULL, note text);
INSERT INTO customers SELECT g, 'Customer ' || g, 'c' || g || '@example.com', now() - g * interval '1 minute' FROM generate_series(1, 100000) g;
INSERT INTO products SELECT g, 'Product ' || g, (g % 1000) / 10.0 + 0.99, jsonb_build_object('colour', (ARRAY['red','green','blue'])[g % 3 + 1], 'size', g % 50) FROM generate_series(1, 5000) g;
INSERT INTO orders (customer_id, product_id, quantity, ordered, note)
  SELECT 1 + g % 100000, 1 + g % 5000, 1 + g % 7, now() - g * interval '10 seconds', CASE WHEN g % 10 = 0 THEN 'gift wrap, please' END
  FROM generate_series(1, 500000) g;
CREATE INDEX orders_customer ON orders (customer_id);
ANALYZE;

using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Backup.Benchmarks;

/// <summary>
/// Deterministic stand-ins for what the library backs up. Codec speed depends heavily on the
/// data: a pgbench dump (mostly blank filler) compresses ten times faster than a real dump, so
/// the benchmarks use generated data that is realistic rather than trivially repetitive. The same
/// seed gives the same bytes on every run and in every BenchmarkDotNet child process.
/// </summary>
public static class BenchmarkData
{
    /// <summary>Text resembling plain-format <c>pg_dump</c> output: DDL plus COPY blocks.</summary>
    public const string SqlDump = "sql-dump";

    /// <summary>Dump text, random bytes (~30%, like already-compressed blobs) and binary COPY records.</summary>
    public const string MixedBinary = "mixed-binary";

    /// <summary>Every dataset, in the order the reports list them.</summary>
    public static IReadOnlyList<string> Names { get; } = [SqlDump, MixedBinary];

    private const int Seed = 20_251_130;

    /// <summary>Generates <paramref name="size"/> bytes of the dataset called <paramref name="name"/>.</summary>
    public static byte[] Generate(string name, int size) => name switch
    {
        SqlDump => SqlDumpWriter.Generate(size, Seed),
        MixedBinary => GenerateMixed(size, Seed),
        _ => throw new ArgumentException($"Unknown dataset '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Interleaves chunks of 16 KiB-1 MiB so that the compressor's window keeps switching between
    /// kinds of data, as it does in a dump with bytea columns and several tables.
    /// </summary>
    private static byte[] GenerateMixed(int size, int seed)
    {
        var random = new Random(seed);
        var result = new byte[size];
        // A separate text stream, consumed in order, so text chunks read like consecutive parts of one dump.
        var text = SqlDumpWriter.Generate(size, seed + 1);
        var records = new BinaryCopyWriter(new Random(seed + 2));
        int textPosition = 0;
        int position = 0;
        while (position < size)
        {
            int chunk = Math.Min(random.Next(16 << 10, 1 << 20), size - position);
            var destination = result.AsSpan(position, chunk);
            double kind = random.NextDouble();
            if (kind < 0.30)
            {
                random.NextBytes(destination);
            }
            else if (kind < 0.75)
            {
                int available = Math.Min(chunk, text.Length - textPosition);
                text.AsSpan(textPosition, available).CopyTo(destination);
                textPosition += available;
                records.Fill(destination[available..]);
            }
            else
            {
                records.Fill(destination);
            }

            position += chunk;
        }

        return result;
    }

    /// <summary>Writes pg_dump-like text into a fixed-size buffer.</summary>
    private sealed class SqlDumpWriter
    {
        private static readonly string[] FirstNames = SplitWords(
            "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica " +
            "Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley " +
            "Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa " +
            "Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy " +
            "Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen " +
            "Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet " +
            "Jack Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia " +
            "Zoltan Ingrid Sven Aiko Hiroshi Mei Wei Priya Arjun Fatima Omar Lukas Chiara Mateo Sofia Noah Elif Kofi Amara");

        private static readonly string[] LastNames = SplitWords(
            "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson " +
            "Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker " +
            "Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell " +
            "Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy " +
            "Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson " +
            "Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross " +
            "Mueller Schmidt Schneider Fischer Weber Rossi Russo Ferrari Dubois Moreau Laurent Tanaka Suzuki Sato Novak Horvat");

        private static readonly string[] Domains = SplitWords(
            "gmail.com yahoo.com outlook.com hotmail.com icloud.com proton.me example.org corp.example.com mail.ru web.de " +
            "gmx.net orange.fr libero.it fastmail.com aol.com zoho.com yandex.com posteo.de");

        private static readonly string[] Countries = SplitWords("US US US GB DE FR IT ES NL SE PL JP IN BR CA AU MX CH AT BE DK NO FI IE PT");

        private static readonly string[] Streets = SplitWords(
            "Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Sunset Lincoln Church River Spring Highland Forest " +
            "Meadow Ridge Valley Willow Jackson Adams Franklin Madison Chestnut Walnut Cherry Center Mill");

        private static readonly string[] Cities = SplitWords(
            "Springfield Riverside Franklin Greenville Bristol Clinton Fairview Salem Madison Georgetown Arlington Ashland " +
            "Dover Oxford Jackson Burlington Manchester Milton Newport Auburn Dayton Lexington Milford Winchester Hudson");

        private static readonly string[] Statuses = SplitWords("delivered delivered delivered delivered shipped shipped paid pending cancelled refunded");

        private static readonly string[] Currencies = SplitWords("USD USD USD EUR EUR GBP JPY CHF SEK");

        private static readonly string[] Adjectives = SplitWords(
            "Ergonomic Rustic Sleek Refined Handcrafted Generic Intelligent Small Large Practical Fantastic Incredible " +
            "Gorgeous Licensed Unbranded Tasty Awesome Recycled Modern Electronic Luxurious Bespoke Oriental Elegant");

        private static readonly string[] Materials = SplitWords(
            "Steel Wooden Concrete Plastic Cotton Granite Rubber Metal Soft Fresh Frozen Bronze Silk Leather Ceramic Glass");

        private static readonly string[] Products = SplitWords(
            "Chair Car Computer Keyboard Mouse Bike Ball Gloves Pants Shirt Table Shoes Hat Towels Soap Tuna Chicken Fish " +
            "Cheese Bacon Pizza Salad Sausages Chips Lamp Monitor Speaker Backpack Wallet Watch Kettle Blender");

        private static readonly string[] EventTypes = SplitWords("page_view page_view page_view page_view click click add_to_cart search login logout checkout_started purchase");

        private static readonly string[] Pages = SplitWords("/ /products /products/{0} /cart /checkout /account /account/orders /search /help/faq /blog/{0}");

        private static readonly string[] Browsers =
        [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        ];

        // Free text: drawn word by word, so sentences repeat vocabulary but not whole phrases.
        private static readonly string[] Words = SplitWords(
            "the a an of to and in for on with at by from about as into like through after over between out against during " +
            "without before under around among customer order delivery package arrived late early damaged perfect quality " +
            "price support refund request replacement size color fits expected recommend would again service quickly slowly " +
            "item items box shipping tracking number update address changed please contact thanks great good bad poor " +
            "excellent average product works broken missing manual battery charger cable screen sound light heavy small " +
            "large warranty invoice payment card declined approved account password reset email confirmation sent received " +
            "week day month yesterday today tomorrow store online app website checkout discount coupon code applied expired " +
            "not very really quite too also still just only even never always sometimes usually because but so if when " +
            "was is are were be been has have had do does did can could should will may might must");

        private static readonly string[] AuditActions = SplitWords("INSERT UPDATE UPDATE UPDATE DELETE LOGIN EXPORT GRANT");

        private readonly Random _random;
        private readonly byte[] _buffer;
        private int _position;
        private DateTime _clock = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private SqlDumpWriter(int size, int seed)
        {
            _random = new Random(seed);
            // Rows are written whole, so leave room for the last one to run past the target.
            _buffer = new byte[size + (64 << 10)];
        }

        public static byte[] Generate(int size, int seed)
        {
            var writer = new SqlDumpWriter(size, seed);
            writer.WriteDump(size);
            return writer._buffer.AsSpan(0, size).ToArray();
        }

        private void WriteDump(int size)
        {
            Append("--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.18\n-- Dumped by pg_dump version 15.18\n\n");
            Append("SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n");
            Append("SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\n\n");
            // Share of the dump per table, roughly what a shop database looks like.
            (string Table, string Columns, double Share, Action<long> Row)[] tables =
            [
                ("customers", "id, first_name, last_name, email, phone, country, external_id, created_at, is_active, balance", 0.15, CustomerRow),
                ("orders", "id, customer_id, status, currency, total, shipping_address, created_at, updated_at, note", 0.22, OrderRow),
                ("order_items", "order_id, line_no, sku, product_name, quantity, unit_price, discount", 0.18, OrderItemRow),
                ("events", "id, occurred_at, user_id, event_type, payload", 0.28, EventRow),
                ("audit_log", "id, logged_at, actor_id, action, object_type, object_id, message", 0.17, AuditRow),
            ];
            foreach (var (table, columns, _, _) in tables)
            {
                Append($"CREATE TABLE public.{table} (\n    -- columns: {columns}\n);\n\nALTER TABLE public.{table} OWNER TO app;\n\n");
            }

            double cumulative = 0;
            foreach (var (table, columns, share, row) in tables)
            {
                cumulative += share;
                int end = (int)Math.Min(size, size * cumulative);
                Append($"--\n-- Data for Name: {table}; Type: TABLE DATA; Schema: public; Owner: app\n--\n\n");
                Append($"COPY public.{table} ({columns}) FROM stdin;\n");
                for (long id = 1; _position < end; id++)
                {
                    row(id);
                }

                Append("\\.\n\n\n");
                if (_position >= size)
                {
                    return;
                }
            }

            // Rounding left a few bytes: pad with the trailer pg_dump writes.
            while (_position < size)
            {
                Append("--\n-- PostgreSQL database dump complete\n--\n\n");
            }
        }

        private void CustomerRow(long id)
        {
            string first = Pick(FirstNames);
            string last = Pick(LastNames);
            Number(id).Tab().Append(first).Tab().Append(last).Tab();
            Append(first.ToLowerInvariant()).Append(".").Append(last.ToLowerInvariant());
            if (_random.Next(3) == 0)
            {
                Number(_random.Next(1, 999));
            }

            Append("@").Append(Pick(Domains)).Tab();
            Append("+1-555-").Number(_random.Next(100, 1000)).Append("-").Number(_random.Next(1000, 10_000)).Tab();
            Append(Pick(Countries)).Tab().Uuid().Tab().Timestamp(Tick(90)).Tab();
            Append(_random.Next(10) == 0 ? "f" : "t").Tab().Money(_random.Next(0, 5_000_000)).NewLine();
        }

        private void OrderRow(long id)
        {
            var created = Tick(30);
            Number(id).Tab().Number(_random.Next(1, 200_000)).Tab().Append(Pick(Statuses)).Tab().Append(Pick(Currencies)).Tab();
            Money(_random.Next(199, 250_000)).Tab();
            Number(_random.Next(1, 9999)).Append(" ").Append(Pick(Streets)).Append(_random.Next(2) == 0 ? " St, " : " Ave, ");
            Append(Pick(Cities)).Append(", ").Append(Pick(Countries)).Append(" ").Number(_random.Next(10_000, 99_999)).Tab();
            Timestamp(created).Tab();
            if (_random.Next(4) == 0)
            {
                Append("\\N");
            }
            else
            {
                Timestamp(created.AddSeconds(_random.Next(60, 14 * 86_400)));
            }

            Tab();
            if (_random.Next(5) == 0)
            {
                Sentence(4, 16);
            }
            else
            {
                Append("\\N");
            }

            NewLine();
        }

        private void OrderItemRow(long id)
        {
            Number(((id - 1) / 3) + 1).Tab().Number(((id - 1) % 3) + 1).Tab().Append("SKU-").Number(_random.Next(10_000, 99_999)).Tab();
            Append(Pick(Adjectives)).Append(" ").Append(Pick(Materials)).Append(" ").Append(Pick(Products)).Tab();
            Number(_random.Next(1, 6)).Tab().Money(_random.Next(99, 90_000)).Tab();
            Append(_random.Next(4) == 0 ? "0.10" : "0.00").NewLine();
        }

        private void EventRow(long id)
        {
            Number(id).Tab().Timestamp(Tick(3)).Tab().Number(_random.Next(1, 200_000)).Tab();
            string type = Pick(EventTypes);
            Append(type).Tab();
            Append("{\"session\": \"").Hex(8).Append("\", \"page\": \"");
            Append(string.Format(CultureInfo.InvariantCulture, Pick(Pages), _random.Next(1, 5000)));
            Append("\", \"duration_ms\": ").Number(_random.Next(5, 30_000));
            Append(", \"ua\": \"").Append(Pick(Browsers)).Append("\"");
            if (type is "search")
            {
                Append(", \"query\": \"").Append(Pick(Words)).Append(" ").Append(Pick(Products).ToLowerInvariant()).Append("\"");
            }

            if (type is "add_to_cart" or "purchase")
            {
                Append(", \"sku\": \"SKU-").Number(_random.Next(10_000, 99_999)).Append("\", \"amount\": ").Money(_random.Next(99, 90_000));
            }

            Append(", \"tags\": [\"").Append(Pick(Countries).ToLowerInvariant()).Append("\", \"v").Number(_random.Next(1, 4)).Append("\"]}").NewLine();
        }

        private void AuditRow(long id)
        {
            string action = Pick(AuditActions);
            Number(id).Tab().Timestamp(Tick(20)).Tab().Number(_random.Next(1, 300)).Tab().Append(action).Tab();
            Append(_random.Next(2) == 0 ? "order" : "customer").Tab().Number(_random.Next(1, 500_000)).Tab();
            Append(action).Append(" by user ").Number(_random.Next(1, 300)).Append(": ");
            Sentence(6, 40);
            // COPY text format escapes embedded newlines; multi-line messages are common in logs.
            if (_random.Next(6) == 0)
            {
                Append("\\n");
                Sentence(3, 12);
            }

            NewLine();
        }

        private DateTime Tick(int maxSeconds)
        {
            _clock = _clock.AddMicroseconds(_random.Next(0, maxSeconds * 1_000_000));
            return _clock;
        }

        private string Pick(string[] values) => values[_random.Next(values.Length)];

        private SqlDumpWriter Sentence(int minWords, int maxWords)
        {
            int count = _random.Next(minWords, maxWords);
            for (int i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    Append(" ");
                }

                Append(Pick(Words));
            }

            return Append(".");
        }

        private SqlDumpWriter Append(string text)
        {
            _position += Encoding.ASCII.GetBytes(text, _buffer.AsSpan(_position));
            return this;
        }

        private SqlDumpWriter Tab() => Append("\t");

        private SqlDumpWriter NewLine() => Append("\n");

        private SqlDumpWriter Number(long value)
        {
            value.TryFormat(_buffer.AsSpan(_position), out int written, default, CultureInfo.InvariantCulture);
            _position += written;
            return this;
        }

        private SqlDumpWriter Money(long cents)
        {
            Number(cents / 100).Append(".");
            _buffer[_position++] = (byte)('0' + (cents / 10 % 10));
            _buffer[_position++] = (byte)('0' + (cents % 10));
            return this;
        }

        private SqlDumpWriter Timestamp(DateTime value)
        {
            value.TryFormat(_buffer.AsSpan(_position), out int written, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            _position += written;
            return Append("+00");
        }

        private SqlDumpWriter Hex(int bytes)
        {
            Span<byte> raw = stackalloc byte[bytes];
            _random.NextBytes(raw);
            Convert.TryToHexStringLower(raw, _buffer.AsSpan(_position), out int written);
            _position += written;
            return this;
        }

        private SqlDumpWriter Uuid()
        {
            Span<byte> raw = stackalloc byte[16];
            _random.NextBytes(raw);
            // Version 4 and RFC 4122 variant bits, as gen_random_uuid() sets them.
            raw[7] = (byte)((raw[7] & 0x0F) | 0x40);
            raw[8] = (byte)((raw[8] & 0x3F) | 0x80);
            new Guid(raw).TryFormat(_buffer.AsSpan(_position), out int written, "D");
            _position += written;
            return this;
        }

        private static string[] SplitWords(string words) => words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Rows in PostgreSQL's binary COPY format: fixed-width fields behind length prefixes, with
    /// slowly changing ids and timestamps, like a table of measurements or ledger entries.
    /// </summary>
    private sealed class BinaryCopyWriter(Random random)
    {
        private long _id;
        private long _microseconds = 757_382_400_000_000; // 2024-01-01 in PostgreSQL's epoch (2000-01-01).
        private readonly byte[] _row = new byte[RowSize];
        private int _rowOffset = RowSize;

        // 2 (field count) + 6 fields, each 4-byte length + value: 8 + 8 + 4 + 8 + 2 + 16.
        private const int RowSize = 2 + (6 * 4) + 8 + 8 + 4 + 8 + 2 + 16;

        public void Fill(Span<byte> destination)
        {
            while (!destination.IsEmpty)
            {
                if (_rowOffset == RowSize)
                {
                    NextRow();
                }

                int count = Math.Min(destination.Length, RowSize - _rowOffset);
                _row.AsSpan(_rowOffset, count).CopyTo(destination);
                _rowOffset += count;
                destination = destination[count..];
            }
        }

        private void NextRow()
        {
            var row = _row.AsSpan();
            _id++;
            _microseconds += random.Next(1, 5_000_000);
            BinaryPrimitives.WriteInt16BigEndian(row, 6);
            row = Field(row[2..], 8);
            BinaryPrimitives.WriteInt64BigEndian(row, _id);
            row = Field(row[8..], 8);
            BinaryPrimitives.WriteInt64BigEndian(row, _microseconds);
            row = Field(row[8..], 4);
            BinaryPrimitives.WriteInt32BigEndian(row, random.Next(1, 2_000));
            row = Field(row[4..], 8);
            BinaryPrimitives.WriteDoubleBigEndian(row, Math.Round(random.NextDouble() * 1000, 2));
            row = Field(row[8..], 2);
            BinaryPrimitives.WriteInt16BigEndian(row, (short)random.Next(0, 4));
            row = Field(row[2..], 16);
            // Half the rows carry a digest (incompressible), the rest an all-zero placeholder.
            if (random.Next(2) == 0)
            {
                random.NextBytes(row[..16]);
            }
            else
            {
                row[..16].Clear();
            }

            _rowOffset = 0;
        }

        private static Span<byte> Field(Span<byte> row, int length)
        {
            BinaryPrimitives.WriteInt32BigEndian(row, length);
            return row[4..];
        }
    }
}

using Backup.Core.Abstractions;
using Backup.Core.Postgres;

namespace Backup.Core.Tests.Postgres;

// TOC and schema captured from pg_restore 15 over a dump of a small rental schema: a table
// partitioned by month, a function returning a table's row type, a view.
public class TableRestorePlanTests
{
    private const string Toc = """
        215; 1259 17735 TABLE public customer postgres
        220; 1255 17768 FUNCTION public active_customers() postgres
        221; 1255 17769 FUNCTION public customer_balance(integer) postgres
        214; 1259 17734 SEQUENCE public customer_customer_id_seq postgres
        3383; 0 0 SEQUENCE OWNED BY public customer_customer_id_seq postgres
        219; 1259 17770 VIEW public customer_list postgres
        216; 1259 17742 TABLE public payment postgres
        217; 1259 17752 TABLE public payment_default postgres
        218; 1259 17760 TABLE public payment_p2024_01 postgres
        3215; 0 0 TABLE ATTACH public payment_default postgres
        3216; 0 0 TABLE ATTACH public payment_p2024_01 postgres
        3217; 2604 17738 DEFAULT public customer customer_id postgres
        3374; 0 17735 TABLE DATA public customer postgres
        3375; 0 17752 TABLE DATA public payment_default postgres
        3376; 0 17760 TABLE DATA public payment_p2024_01 postgres
        3384; 0 0 SEQUENCE SET public customer_customer_id_seq postgres
        3220; 2606 17741 CONSTRAINT public customer customer_pkey postgres
        3222; 2606 17746 CONSTRAINT public payment payment_pkey postgres
        3224; 2606 17756 CONSTRAINT public payment_default payment_default_pkey postgres
        3226; 2606 17764 CONSTRAINT public payment_p2024_01 payment_p2024_01_pkey postgres
        3227; 0 0 INDEX ATTACH public payment_default_pkey postgres
        3228; 0 0 INDEX ATTACH public payment_p2024_01_pkey postgres
        3229; 2606 17747 FK CONSTRAINT public payment payment_customer_id_fkey postgres
        """;

    private const string Schema = """
        -- PostgreSQL database dump
        -- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
        -- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)
        -- Name: customer; Type: TABLE; Schema: public; Owner: postgres
        CREATE TABLE public.customer (
            customer_id integer NOT NULL,
            active boolean DEFAULT true NOT NULL
        );
        -- Name: active_customers(); Type: FUNCTION; Schema: public; Owner: postgres
        CREATE FUNCTION public.active_customers() RETURNS SETOF public.customer
            LANGUAGE sql STABLE
            AS $$ SELECT * FROM public.customer WHERE active $$;
        -- Name: customer_balance(integer); Type: FUNCTION; Schema: public; Owner: postgres
        CREATE FUNCTION public.customer_balance(p integer) RETURNS numeric
            LANGUAGE sql STABLE
            AS $$ SELECT count(*) FROM public.payment WHERE customer_id = p $$;
        -- Name: customer_customer_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
        CREATE SEQUENCE public.customer_customer_id_seq
            AS integer
            START WITH 1
            INCREMENT BY 1
            NO MINVALUE
            NO MAXVALUE
            CACHE 1;
        -- Name: customer_customer_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
        ALTER SEQUENCE public.customer_customer_id_seq OWNED BY public.customer.customer_id;
        -- Name: customer_list; Type: VIEW; Schema: public; Owner: postgres
        CREATE VIEW public.customer_list AS
         SELECT customer.customer_id
           FROM public.customer
          WHERE customer.active;
        -- Name: payment; Type: TABLE; Schema: public; Owner: postgres
        CREATE TABLE public.payment (
            payment_id integer NOT NULL,
            customer_id integer NOT NULL,
            payment_date timestamp with time zone NOT NULL
        )
        PARTITION BY RANGE (payment_date);
        -- Name: payment_default; Type: TABLE; Schema: public; Owner: postgres
        CREATE TABLE public.payment_default (
            payment_id integer NOT NULL,
            customer_id integer NOT NULL,
            payment_date timestamp with time zone NOT NULL
        );
        -- Name: payment_p2024_01; Type: TABLE; Schema: public; Owner: postgres
        CREATE TABLE public.payment_p2024_01 (
            payment_id integer NOT NULL,
            customer_id integer NOT NULL,
            payment_date timestamp with time zone NOT NULL
        );
        -- Name: payment_default; Type: TABLE ATTACH; Schema: public; Owner: postgres
        ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_default DEFAULT;
        -- Name: payment_p2024_01; Type: TABLE ATTACH; Schema: public; Owner: postgres
        ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_p2024_01 FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00');
        -- Name: customer customer_id; Type: DEFAULT; Schema: public; Owner: postgres
        ALTER TABLE ONLY public.customer ALTER COLUMN customer_id SET DEFAULT nextval('public.customer_customer_id_seq'::regclass);
        -- Name: customer customer_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
        ALTER TABLE ONLY public.customer
            ADD CONSTRAINT customer_pkey PRIMARY KEY (customer_id);
        -- Name: payment payment_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
        ALTER TABLE ONLY public.payment
            ADD CONSTRAINT payment_pkey PRIMARY KEY (payment_date, payment_id);
        -- Name: payment_default payment_default_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
        ALTER TABLE ONLY public.payment_default
            ADD CONSTRAINT payment_default_pkey PRIMARY KEY (payment_date, payment_id);
        -- Name: payment_p2024_01 payment_p2024_01_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
        ALTER TABLE ONLY public.payment_p2024_01
            ADD CONSTRAINT payment_p2024_01_pkey PRIMARY KEY (payment_date, payment_id);
        -- Name: payment_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
        ALTER INDEX public.payment_pkey ATTACH PARTITION public.payment_default_pkey;
        -- Name: payment_p2024_01_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
        ALTER INDEX public.payment_pkey ATTACH PARTITION public.payment_p2024_01_pkey;
        -- Name: payment payment_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
        ALTER TABLE public.payment
            ADD CONSTRAINT payment_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);
        -- PostgreSQL database dump complete
        """;

    [Fact]
    public void Plan_PartitionedTableChosen_BringsEveryPartitionWithRowsAndAttachments()
    {
        var plan = TableRestoreFilter.Plan(Toc, Schema, ["public.payment", "public.customer"]);

        Assert.Equal(["public.customer", "public.payment", "public.payment_default", "public.payment_p2024_01"], plan.Tables);
        Assert.Equal(["public.customer", "public.payment", "public.payment_default", "public.payment_p2024_01"], plan.TablesWithData);
        Assert.Equal(["public.payment_default", "public.payment_p2024_01"], plan.BroughtIn.Select(b => b.Name).Order(StringComparer.Ordinal));
        var kept = Kept(plan.List);
        Assert.Contains("TABLE DATA public payment_p2024_01", kept);
        Assert.Contains("TABLE DATA public payment_default", kept);
        Assert.Contains("TABLE ATTACH public payment_p2024_01", kept);
        Assert.Contains("INDEX ATTACH public payment_p2024_01_pkey", kept);
        Assert.Contains("FK CONSTRAINT public payment payment_customer_id_fkey", kept);
        Assert.Contains("FUNCTION public active_customers()", kept);
        Assert.Equal([("view", "public.customer_list")], plan.LeftOut.Select(l => (l.Kind, l.Name)));
    }

    [Fact]
    public void Plan_PartitionChosen_BringsItsParentsDefinitionButNotItsSiblings()
    {
        var plan = TableRestoreFilter.Plan(Toc, Schema, ["public.payment_p2024_01"]);

        Assert.Equal(["public.payment", "public.payment_p2024_01"], plan.Tables);
        Assert.Equal(["public.payment_p2024_01"], plan.TablesWithData);
        var kept = Kept(plan.List);
        Assert.Contains("TABLE public payment", kept);
        Assert.Contains("CONSTRAINT public payment payment_pkey", kept);
        Assert.Contains("TABLE ATTACH public payment_p2024_01", kept);
        Assert.Contains("INDEX ATTACH public payment_p2024_01_pkey", kept);
        Assert.DoesNotContain("TABLE public payment_default", kept);
        Assert.DoesNotContain("INDEX ATTACH public payment_default_pkey", kept);
        Assert.Contains(plan.LeftOut, l => l is { Kind: "foreign key", Name: "payment_customer_id_fkey on public.payment" } && l.Reason.Contains("public.customer", StringComparison.Ordinal));
        Assert.Contains(plan.LeftOut, l => l is { Kind: "table", Name: "public.payment_default" });
    }

    [Fact]
    public void Plan_RowTypeOfATableNotChosen_LeavesOutTheFunctionAndSaysWhy()
    {
        var plan = TableRestoreFilter.Plan(Toc, Schema, ["public.payment"]);

        var kept = Kept(plan.List);
        Assert.DoesNotContain("FUNCTION public active_customers()", kept);
        Assert.Contains("FUNCTION public customer_balance(integer)", kept); // its body is not checked on restore
        Assert.DoesNotContain("SEQUENCE public customer_customer_id_seq", kept);
        Assert.DoesNotContain("SEQUENCE SET public customer_customer_id_seq", kept);
        Assert.Equal(
            [
                ("function", "public.active_customers()", "it uses the row type of public.customer, which is not restored"),
                ("table", "public.customer", "not chosen"),
            ],
            plan.LeftOut.Where(l => l.Kind is "function" or "table").Select(l => (l.Kind, l.Name, l.Reason)).Order());
        Assert.Contains(plan.LeftOut, l => l is { Kind: "view", Name: "public.customer_list" });
        Assert.Contains(plan.LeftOut, l => l is { Kind: "foreign key", Name: "payment_customer_id_fkey on public.payment" });
    }

    [Fact]
    public void Plan_UnknownNames_ThrowNamingEachWithTheClosestTable()
    {
        var error = Assert.Throws<UnknownTableException>(() => TableRestoreFilter.Plan(Toc, Schema, ["public.paymnt", "public.nosuch", "public.customer"]));

        Assert.Equal(["public.paymnt", "public.nosuch"], error.Tables);
        Assert.Contains("public.paymnt (did you mean public.payment?)", error.Message, StringComparison.Ordinal);
        Assert.Contains("public.nosuch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AViewNamed_ThrowsSayingOnlyTablesCanBeChosen()
    {
        var error = Assert.Throws<UnknownTableException>(() => TableRestoreFilter.Plan(Toc, Schema, ["public.customer_list"]));

        Assert.Contains("public.customer_list (it is a view; only tables can be chosen)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders", "public", "orders")]
    [InlineData("sales.orders", "sales", "orders")]
    [InlineData("My Schema.Orders", "My Schema", "Orders")]
    [InlineData("\"my.schema\".orders", "my.schema", "orders")]
    [InlineData("\"my.schema\".\"or.ders\"", "my.schema", "or.ders")]
    [InlineData("sales.\"or.ders\"", "sales", "or.ders")]
    [InlineData("\"a\"\"b\".t", "a\"b", "t")]
    [InlineData("\"only.table\"", "public", "only.table")]
    public void SplitQualified_QuotedPartsMayHoldDots(string text, string schema, string table) =>
        Assert.Equal((schema, table), SqlIdentifier.SplitQualified(text));

    private static List<string> Kept(string list) =>
        list.Split('\n').Where(l => l.Length > 0 && char.IsAsciiDigit(l[0])).Select(l => string.Join(' ', l.Split(' ')[3..^1])).ToList();
}

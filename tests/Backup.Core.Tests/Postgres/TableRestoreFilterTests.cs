using Backup.Core.Postgres;

namespace Backup.Core.Tests.Postgres;

public class TableRestoreFilterTests
{
    private const string Toc = """
        ;
        ; Archive created at 2026-11-30 02:45:00 UTC
        ;
        6; 2615 16385 SCHEMA - My Schema postgres
        850; 1247 16388 TYPE My Schema state postgres
        221; 1259 16432 TABLE My Schema Orders postgres
        220; 1259 16431 SEQUENCE My Schema Orders_id_seq postgres
        230; 1259 16500 TABLE public other postgres
        231; 1259 16501 SEQUENCE public plain_seq postgres
        3406; 0 16432 TABLE DATA My Schema Orders postgres
        3407; 0 16500 TABLE DATA public other postgres
        3422; 0 0 SEQUENCE SET My Schema Orders_id_seq postgres
        3423; 0 0 SEQUENCE SET public plain_seq postgres
        3250; 2606 16438 CONSTRAINT My Schema Orders Orders_pkey postgres
        3245; 1259 16429 INDEX My Schema orders_idx postgres
        3246; 1259 16430 INDEX public other_idx postgres
        3255; 2606 16424 FK CONSTRAINT My Schema Orders orders_other_fkey postgres
        3420; 0 0 COMMENT My Schema TABLE Orders postgres
        224; 1259 16448 VIEW public v postgres
        """;

    private const string Schema = """
        --
        -- Name: Orders; Type: TABLE; Schema: My Schema; Owner: postgres
        --

        CREATE TABLE "My Schema"."Orders" (id bigint NOT NULL, other_id int);

        --
        -- Name: Orders_id_seq; Type: SEQUENCE; Schema: My Schema; Owner: postgres
        --

        ALTER TABLE "My Schema"."Orders" ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "My Schema"."Orders_id_seq");

        --
        -- Name: plain_seq; Type: SEQUENCE; Schema: public; Owner: postgres
        --

        CREATE SEQUENCE public.plain_seq;
        ALTER TABLE public.plain_seq OWNER TO postgres;

        --
        -- Name: orders_idx; Type: INDEX; Schema: My Schema; Owner: postgres
        --

        CREATE INDEX orders_idx ON ONLY "My Schema"."Orders" USING btree (other_id);

        --
        -- Name: other_idx; Type: INDEX; Schema: public; Owner: postgres
        --

        CREATE UNIQUE INDEX other_idx ON public.other USING btree (id);

        --
        -- Name: Orders orders_other_fkey; Type: FK CONSTRAINT; Schema: My Schema; Owner: postgres
        --

        ALTER TABLE ONLY "My Schema"."Orders" ADD CONSTRAINT orders_other_fkey FOREIGN KEY (other_id) REFERENCES public.other(id);
        """;

    [Fact]
    public void Filter_OneQuotedTable_KeepsItsEntriesAndFreeObjects_CommentsOutTheRest()
    {
        var kept = Kept(TableRestoreFilter.Filter(Toc, Schema, ["My Schema.Orders"]));

        Assert.Equal(
            [
                "SCHEMA - My Schema", "TYPE My Schema state", "TABLE My Schema Orders", "SEQUENCE My Schema Orders_id_seq",
                "SEQUENCE public plain_seq", "TABLE DATA My Schema Orders", "SEQUENCE SET My Schema Orders_id_seq", "SEQUENCE SET public plain_seq",
                "CONSTRAINT My Schema Orders Orders_pkey", "INDEX My Schema orders_idx", "COMMENT My Schema TABLE Orders",
            ],
            kept);
    }

    [Fact]
    public void Filter_BothEndsOfAForeignKeyChosen_KeepsTheKey()
    {
        var kept = Kept(TableRestoreFilter.Filter(Toc, Schema, ["My Schema.Orders", "other"]));

        Assert.Contains("FK CONSTRAINT My Schema Orders orders_other_fkey", kept);
        Assert.Contains("INDEX public other_idx", kept);
        Assert.DoesNotContain("VIEW public v", kept);
    }

    [Fact]
    public void Filter_IdentityTableLeftOut_DropsItsSequenceAndItsSequenceSet()
    {
        var kept = Kept(TableRestoreFilter.Filter(Toc, Schema, ["public.other"]));

        Assert.DoesNotContain("SEQUENCE My Schema Orders_id_seq", kept);
        Assert.DoesNotContain("SEQUENCE SET My Schema Orders_id_seq", kept);
        Assert.Contains("SEQUENCE SET public plain_seq", kept);
    }

    private static List<string> Kept(string list) =>
        list.Split('\n')
            .Where(l => l.Length > 0 && char.IsAsciiDigit(l[0]))
            .Select(l => string.Join(' ', l.Split(' ')[3..^1]))
            .ToList();
}

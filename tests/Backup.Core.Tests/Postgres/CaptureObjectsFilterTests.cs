using Backup.Core.Postgres;

namespace Backup.Core.Tests.Postgres;

public sealed class CaptureObjectsFilterTests
{
    // pg_restore --list of a database with a change-capture chain (PostgreSQL 15), plus a user's own publication and schema.
    private const string Toc = """
        ;
        ; Archive created at 2025-01-01 00:00:00 UTC
        6; 2615 16393 SCHEMA - backup_core postgres
        7; 2615 16394 SCHEMA - backup_core_app postgres
        3364; 0 0 ACL - SCHEMA backup_core postgres
        218; 1255 16403 FUNCTION backup_core capture_ddl() postgres
        3365; 0 0 COMMENT backup_core FUNCTION capture_ddl() postgres
        217; 1259 16395 TABLE backup_core ddl_log postgres
        216; 1259 16394 SEQUENCE backup_core ddl_log_id_seq postgres
        3366; 0 0 SEQUENCE OWNED BY backup_core ddl_log_id_seq postgres
        215; 1259 16385 TABLE public t postgres
        219; 1259 16386 TABLE public backup_core postgres
        3205; 2604 16398 DEFAULT backup_core ddl_log id postgres
        3357; 0 16395 TABLE DATA backup_core ddl_log postgres
        3355; 0 16385 TABLE DATA public t postgres
        3367; 0 0 SEQUENCE SET backup_core ddl_log_id_seq postgres
        3209; 2606 16402 CONSTRAINT backup_core ddl_log ddl_log_pkey postgres
        3207; 2606 16391 CONSTRAINT public t t_pkey postgres
        3352; 6104 16392 PUBLICATION - backup_core postgres
        3353; 6104 16406 PUBLICATION - pub2 postgres
        3354; 6106 16407 PUBLICATION TABLE public pub2 t postgres
        3360; 6106 16408 PUBLICATION TABLE public backup_core t postgres
        3370; 0 0 COMMENT - PUBLICATION backup_core postgres
        3203; 3466 16404 EVENT TRIGGER - backup_core_ddl postgres
        3204; 3466 16405 EVENT TRIGGER - backup_core_ddl_drop postgres
        3206; 3466 16409 EVENT TRIGGER - backup_core_ddl_rewrite postgres
        3208; 3466 16410 EVENT TRIGGER - audit_ddl postgres
        3371; 0 0 COMMENT - EVENT TRIGGER backup_core_ddl postgres
        """;

    [Fact]
    public void LeaveOut_CommentsOutExactlyTheCaptureObjects()
    {
        var (list, leftOut) = CaptureObjectsFilter.LeaveOut(Toc, "backup_core");

        var kept = list.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(';')).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToList();
        Assert.Equal(
            [
                "2615 16394 SCHEMA - backup_core_app postgres", "1259 16385 TABLE public t postgres", "1259 16386 TABLE public backup_core postgres",
                "0 16385 TABLE DATA public t postgres", "2606 16391 CONSTRAINT public t t_pkey postgres", "6104 16406 PUBLICATION - pub2 postgres",
                "6106 16407 PUBLICATION TABLE public pub2 t postgres", "3466 16410 EVENT TRIGGER - audit_ddl postgres",
            ],
            kept);
        Assert.Equal(18, leftOut);
        Assert.Equal(Toc.Split('\n').Length, list.Split('\n').Length);
    }

    [Fact]
    public void LeaveOut_UsesTheConfiguredPublicationName()
    {
        var (list, _) = CaptureObjectsFilter.LeaveOut(Toc, "pub2");

        Assert.Contains(";3353; 6104 16406 PUBLICATION - pub2 postgres", list, StringComparison.Ordinal);
        Assert.Contains(";3354; 6106 16407 PUBLICATION TABLE public pub2 t postgres", list, StringComparison.Ordinal);
        Assert.Contains("\n3352; 6104 16392 PUBLICATION - backup_core postgres", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backup_core.ddl_log", true)]
    [InlineData("public.backup_core", false)]
    [InlineData("backup_core_app.t", false)]
    public void IsCaptureTable_IsOurSchemaOnly(string table, bool ours) => Assert.Equal(ours, CaptureObjectsFilter.IsCaptureTable(table));
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Backup.EntityFrameworkCore.Tests;

/// <summary>A context with no entity types and two hand-written migrations: what MigrateWithBackupAsync sees of a host's.</summary>
public sealed class NotesContext(string connectionString) : DbContext
{
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder
        .UseNpgsql(connectionString)
        // No model snapshot: the migrations are the schema, the (empty) model is not compared with them.
        .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
}

[DbContext(typeof(NotesContext))]
[Migration("20261203000001_CreateNotes")]
public sealed class CreateNotes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
}

[DbContext(typeof(NotesContext))]
[Migration("20261203000002_AddTags")]
public sealed class AddTags : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("ALTER TABLE notes ADD COLUMN tags text; UPDATE notes SET body = 'rewritten by the migration'");
}

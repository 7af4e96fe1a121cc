// backup-core: the operator command line of Backup.Core. Everything is in Entry/BackupCli, so that tests
// (and the deployment manifests' test) parse and run exactly what the tool runs.
return await Backup.Cli.Entry.BackupCli.RunAsync(args);

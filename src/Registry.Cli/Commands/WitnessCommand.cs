using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Log;
using Registry.Serve;

namespace Registry.Cli.Commands;

/// <summary><c>registry witness serve</c>: a C2SP tlog-witness anyone can run for logs they do not operate.</summary>
internal static class WitnessCommand
{
    public static Command Create(CliContext context)
    {
        var group = new Command(
            "witness",
            "Witness transparency logs: cosign each log's checkpoints that extend the last one seen");
        var key = new Option<string>("--key") {
            Description = "The witness's private cosigner key file (PRIVATE+KEY+...); made with --name when absent",
            Required = true };
        var name = new Option<string?>("--name") {
            Description = "The witness's name (e.g. witness.example.com/w1), to make a new key with" };
        var logs = new Option<string[]>(
            "--log") { Description = "A log to witness: its verifier key NAME+KEYID+BASE64 (the 'key' of the registry "
                + "root's x-registry-log); repeatable", Required = true, AllowMultipleArgumentsPerToken = true };
        var state = new Option<string>("--state") {
            Description = "Folder keeping the latest cosigned checkpoint of each log",
            Required = true };
        var port = new Option<int>("--port", "-p") {
            Description = "Port (0: any free port)",
            DefaultValueFactory = _ => 8081 }.InRange(0, 65535);
        var host = new Option<string>("--host") {
            Description = "Address to listen on",
            DefaultValueFactory = _ => "127.0.0.1" };
        var serve = new Command("serve", "Serve POST /add-checkpoint (C2SP tlog-witness): 200 with a cosignature, 404 "
            + "unknown log, 403 bad signature, 400 bad request, 409 wrong old size, 422 inconsistent");
        foreach (var option in new Option[] { key, name, logs, state, port, host })
        {
            serve.Options.Add(option);
        }

        serve.SetAction(async (parse, ct) =>
        {
            var signer = LoadOrCreate(parse.GetValue(key)!, parse.GetValue(name));
            List<NoteVerifier> verifiers;
            try
            {
                verifiers = [.. parse.GetValue(logs)!.Select(NoteVerifier.Parse)];
            }
            catch (LogException e)
            {
                throw new EnvironmentException("--log: " + e.Message);
            }

            var witness = new Witness(signer, verifiers, parse.GetValue(state)!, TimeProvider.System);
            var server = await WitnessServer.StartAsync(
                witness,
                parse.GetValue(port),
                parse.GetValue(host)!,
                line => context.Error.WriteLine("registry: info: " + line),
                ct).ConfigureAwait(false);
            await using (server.ConfigureAwait(false))
            {
                await context.Out.WriteLineAsync($"witness {signer.Verifier.Encoded} at {server.BaseUri}")
                    .ConfigureAwait(false);
                await context.Out.FlushAsync(ct).ConfigureAwait(false);
                try
                {
                    await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return CliApp.Ok;
        });
        group.Subcommands.Add(serve);
        return group;
    }

    private static NoteSigner LoadOrCreate(string path, string? name)
    {
        try
        {
            if (File.Exists(path))
            {
                var existing = NoteSigner.Parse(File.ReadAllText(path));
                return existing.Type == NoteKeyType.Cosignature
                    ? existing
                    : throw new EnvironmentException($"{path}: not a cosigner key (type 04)");
            }

            if (name is null)
            {
                throw new EnvironmentException($"{path}: no such key; give --name NAME to make one");
            }

            var key = NoteSigner.Generate(name, NoteKeyType.Cosignature);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new StreamWriter(new FileStream(path, options)))
            {
                file.Write(key.Encoded + "\n");
            }

            return key;
        }
        catch (LogException e)
        {
            throw new EnvironmentException($"{path}: {e.Message}");
        }
    }
}

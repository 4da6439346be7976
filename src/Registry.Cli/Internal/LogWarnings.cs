using Registry.Core.Publishing;

namespace Registry.Cli.Internal;

/// <summary>Warnings about the transparency log that a committing command prints (the commit itself
/// succeeded).</summary>
internal static class LogWarnings
{
    public static async Task WarnWitnessesAsync(CliContext context, CommitStats? stats)
    {
        foreach (var problem in stats?.WitnessProblems ?? [])
        {
            await context.WarnAsync($"{problem}; the checkpoint has fewer cosignatures, and clients whose witness "
                + "quorum it misses refuse this state until a later commit is cosigned").ConfigureAwait(false);
        }
    }
}

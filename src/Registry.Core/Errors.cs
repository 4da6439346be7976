namespace Registry.Core;

/// <summary>
/// The small set of failures a user can act on. Each carries one line that names the
/// problem, the rule it broke and what to do; the CLI maps <see cref="ExitCode"/> to the
/// process exit code (1: the operation failed, 2: bad usage or environment).
/// </summary>
public class RegistryException : Exception
{
    public RegistryException(string message, int exitCode = 1, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    public RegistryException() : this("registry error") { }

    public RegistryException(string message) : this(message, 1) { }

    public RegistryException(string message, Exception inner) : this(message, 1, inner) { }

    /// <summary>A failure of the documented rule <paramref name="rule"/>: the message ends in <c>[rule:
    /// NAME]</c>.</summary>
    public RegistryException(string rule, string message, int exitCode = 1, Exception? inner = null)
        : this(WithRule(message, rule), exitCode, inner) { }

    public int ExitCode { get; }

    /// <summary>The rule the failure broke (the <c>[rule: NAME]</c> at the end of the message), or null.</summary>
    public virtual string? Rule => RuleOf(Message);

    /// <summary>A message naming the rule it broke: the one place that writes the <c>[rule: NAME]</c> suffix.</summary>
    public static string WithRule(string message, string rule) => $"{message} [rule: {rule}]";

    /// <summary>The message without its <c>[rule: NAME]</c> suffix, to say more before re-throwing under the same
    /// rule.</summary>
    public static string WithoutRule(string message) =>
        RuleOf(message) is { } rule ? message[..^WithRule("", rule).Length] : message;

    /// <summary>The NAME of a message ending in <c>[rule: NAME]</c>, or null: the one place that reads the
    /// suffix.</summary>
    public static string? RuleOf(string message)
    {
        const string Prefix = "[rule: ";
        var start = message.LastIndexOf(Prefix, StringComparison.Ordinal);
        return start >= 0 && message.EndsWith(']') ? message[(start + Prefix.Length)..^1] : null;
    }
}

/// <summary>A package or request broke a documented rule. Nothing was written.</summary>
public sealed class ValidationException : RegistryException
{
    public ValidationException(string rule, string message)
        : base(WithRule(message, rule), 1) => Rule = rule;

    public ValidationException() : this("unknown", "validation failed") { }

    public ValidationException(string message) : this("unknown", message) { }

    public ValidationException(string message, Exception inner) : base(message, 1, inner) => Rule = "unknown";

    public override string Rule { get; }
}

/// <summary>Signed metadata or a file failed verification (signature, hash, length, expiry, version).</summary>
public sealed class VerificationException : RegistryException
{
    public VerificationException(string message) : base(message, 1) { }

    public VerificationException() : this("verification failed") { }

    public VerificationException(string message, Exception inner) : base(message, 1, inner) { }

    public VerificationException(
        string rule,
        string message,
        Exception? inner = null) : base(rule, message, 1, inner) { }
}

/// <summary>A concurrent writer kept winning: the publish was not applied.</summary>
public sealed class ConflictException : RegistryException
{
    public ConflictException(string message) : base(message, 1) { }

    public ConflictException() : this("conflict") { }

    public ConflictException(string message, Exception inner) : base(message, 1, inner) { }
}

/// <summary>Bad usage or environment: a missing key, an unreachable or unsuitable store. Exit code 2.</summary>
public sealed class EnvironmentException : RegistryException
{
    public EnvironmentException(string message) : base(message, 2) { }

    public EnvironmentException() : this("environment error") { }

    public EnvironmentException(string message, Exception inner) : base(message, 2, inner) { }

    public EnvironmentException(
        string rule,
        string message,
        Exception? inner = null) : base(rule, message, 2, inner) { }
}

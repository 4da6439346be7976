namespace Registry.Log;

/// <summary>A log document that is malformed, or a proof that does not verify; the message names what and
/// where.</summary>
public class LogException(string message) : Exception(message);

/// <summary>
/// Two checkpoints of one log that cannot both be true: the log showed different trees to different
/// readers (a split view), or rewrote its history. <see cref="Exception.Message"/> carries both
/// checkpoints and the proof, so that the evidence can be published.
/// </summary>
public sealed class LogForkException(string message) : LogException(message);

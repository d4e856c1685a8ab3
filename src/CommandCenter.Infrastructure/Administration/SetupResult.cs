namespace CommandCenter.Infrastructure.Administration;

/// <summary>
/// One thing wrong with an administrator's change: the field it is about (as the API names it, e.g.
/// <c>members[1].phone</c>), a text key and its arguments. The words live in the web app's resources, so the page
/// says it in the reader's language and the API in English, from one list.
/// </summary>
public sealed record SetupProblem(string Field, string Key, params object[] Args);

/// <summary>Why a change was not made: bad input, nothing there, outside the administrator's reach, or the store's state forbids it.</summary>
public enum SetupRefusal
{
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
}

/// <summary>What an administrator's change came to: done (with what it made) or refused, with every reason.</summary>
public sealed record SetupResult<T>(T? Value, SetupRefusal? Refusal, IReadOnlyList<SetupProblem> Problems)
    where T : class
{
    public bool Done => Refusal is null;

    public static SetupResult<T> Of(T value) => new(value, null, []);

    public static SetupResult<T> Refused(SetupRefusal refusal, IReadOnlyList<SetupProblem> problems) => new(null, refusal, problems);

    public static SetupResult<T> Refused(SetupRefusal refusal, SetupProblem problem) => new(null, refusal, [problem]);
}

namespace CommandCenter.Web.Hosting.Commands;

/// <summary>One command-line verb: its name, its own options, and what it does with the started store.</summary>
internal interface IVerb
{
    string Name { get; }

    string Usage { get; }

    /// <summary>Options that take a value (<c>--user NAME</c>).</summary>
    IReadOnlySet<string> ValueOptions { get; }

    /// <summary>Options that stand alone (<c>--dry-run</c>).</summary>
    IReadOnlySet<string> Flags { get; }

    /// <summary>How many positional arguments it takes (a file name).</summary>
    int Positionals { get; }

    /// <summary>
    /// Whether the store is brought up (migrated, seeded, loaded) before the verb runs. Backup and restore work on the
    /// files themselves: a migration run against a live server's store, or a store created in a restore's target, is
    /// exactly what they must not do.
    /// </summary>
    bool BringsStoreUp => true;

    Task<int> RunAsync(IServiceProvider services, VerbArguments arguments, CancellationToken ct);
}

/// <summary>A verb's own arguments, apart from the settings that go to the host.</summary>
internal sealed record VerbArguments(IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Flags, IReadOnlyList<string> Positionals)
{
    public static readonly VerbArguments Empty = new(new Dictionary<string, string>(), new HashSet<string>(), []);

    public string? Value(string option) => Values.GetValueOrDefault(option);

    /// <summary>
    /// Takes the verb's options and positional arguments out of <paramref name="args"/>; every other <c>--Key=value</c>
    /// or <c>--Key value</c> pair is a setting, exactly as the server would read it.
    /// </summary>
    public static (VerbArguments Arguments, string[] Settings, string? Error) Split(IVerb verb, string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (verb.ValueOptions.Contains(arg))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return (Empty, [], $"{arg} needs a value.");
                }

                values[arg] = args[++i];
            }
            else if (verb.Flags.Contains(arg))
            {
                flags.Add(arg);
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                settings.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    settings.Add(args[++i]);
                }
            }
            else
            {
                positionals.Add(arg);
            }
        }

        return positionals.Count != verb.Positionals
            ? (Empty, [], positionals.Count > verb.Positionals ? $"unexpected argument '{positionals[verb.Positionals]}'." : "a file or folder name is needed.")
            : (new VerbArguments(values, flags, positionals), [.. settings], null);
    }
}

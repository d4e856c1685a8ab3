using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// A compiled query for each model it meets: EF Core runs a compiled query only against the model it was compiled
/// with, and one process can hold stores of both engines (the tests do; a command-line verb could).
/// </summary>
internal sealed class CompiledPerModel<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConcurrentDictionary<IModel, TQuery> _compiled = new();

    public TQuery For(DbContext db) => _compiled.GetOrAdd(db.Model, _ => compile());
}

using System.Collections.Frozen;

namespace CommandCenter.Core.Catalog;

/// <summary>An event category (大类 or 小类). Leaf codes extend their parent's code.</summary>
public sealed record Category(string Code, string Name, string? ParentCode);

/// <summary>The category tree (大类/小类), read-only and shared.</summary>
public sealed class CategoryTree
{
    private readonly FrozenDictionary<string, Category> _byCode;

    public CategoryTree(IEnumerable<Category> categories)
    {
        All = [.. categories.OrderBy(c => c.Code, StringComparer.Ordinal)];
        _byCode = All.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        foreach (var category in All.Where(c => c.ParentCode is not null && !_byCode.ContainsKey(c.ParentCode)))
        {
            throw new DomainRuleException($"Category {category.Code} ({category.Name}) names a parent '{category.ParentCode}' that does not exist.");
        }
    }

    public IReadOnlyList<Category> All { get; }

    public IEnumerable<Category> Roots => All.Where(c => c.ParentCode is null);

    public IEnumerable<Category> ChildrenOf(string code) => All.Where(c => c.ParentCode == code);

    public Category? Find(string code) => _byCode.GetValueOrDefault(code);

    /// <summary>The top-level category (大类) of a code; a top-level code is its own root.</summary>
    public Category RootOf(string code)
    {
        var category = Find(code) ?? throw new DomainRuleException($"Unknown category '{code}'.");
        while (category.ParentCode is not null)
        {
            category = _byCode[category.ParentCode];
        }

        return category;
    }

    /// <summary>The code itself, then each ancestor up to the root: the order in which policies are looked up.</summary>
    public IEnumerable<string> LineageOf(string code)
    {
        for (var category = Find(code); category is not null; category = category.ParentCode is null ? null : Find(category.ParentCode))
        {
            yield return category.Code;
        }
    }
}

using CommandCenter.Core.Catalog;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Catalog;

public class CategoryTreeTests
{
    private static readonly CategoryTree _categories = DemoCity.Categories();

    [Fact]
    public void Roots_DemoCatalog_AreSevenTopLevelCategories()
    {
        Assert.Equal(["01", "02", "03", "04", "05", "06", "07"], _categories.Roots.Select(c => c.Code));
    }

    [Fact]
    public void LineageOf_Leaf_GoesFromItselfToItsRoot()
    {
        Assert.Equal(["0601", "06"], _categories.LineageOf("0601"));
    }

    [Fact]
    public void LineageOf_UnknownCode_IsEmpty()
    {
        Assert.Empty(_categories.LineageOf("9999"));
    }

    [Fact]
    public void RootOf_Leaf_IsItsTopLevelCategory()
    {
        Assert.Equal("03", _categories.RootOf("0302").Code);
    }

    [Fact]
    public void RootOf_UnknownCode_Throws()
    {
        Assert.Throws<DomainRuleException>(() => _categories.RootOf("9999"));
    }

    [Fact]
    public void Constructor_ChildWithMissingParent_Throws()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new CategoryTree([new Category("0901", "孤儿小类", "09")]));

        Assert.Contains("0901", ex.Message, StringComparison.Ordinal);
    }
}

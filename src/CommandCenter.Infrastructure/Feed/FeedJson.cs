using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CommandCenter.Core.Feed;

namespace CommandCenter.Infrastructure.Feed;

/// <summary>
/// Feed messages as JSON between servers: every concrete <see cref="FeedMessage"/> by its type name, so a message
/// type added to the domain crosses servers without a list to keep up to date here.
/// </summary>
internal static class FeedJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var messages = typeof(FeedMessage).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(FeedMessage)) && !type.IsAbstract)
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .ToList();
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Type != typeof(FeedMessage))
            {
                return;
            }

            info.PolymorphismOptions = new JsonPolymorphismOptions
            {
                TypeDiscriminatorPropertyName = "$type",
                UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            };
            foreach (var type in messages)
            {
                info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, type.Name));
            }
        });
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = resolver };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}

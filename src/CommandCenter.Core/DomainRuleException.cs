namespace CommandCenter.Core;

/// <summary>A domain rule was broken (an illegal transition, an unknown node…). The message says which and why.</summary>
public class DomainRuleException(string message) : Exception(message);

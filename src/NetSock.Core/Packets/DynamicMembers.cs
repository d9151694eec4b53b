using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;

namespace NetSock.Packets;

/// <summary>
/// Members known only at run time: a packet's layers ($p.IPv4, $p.Tcp) and a layer's Scapy field names ($p.IPv4.ttl),
/// for PowerShell and C# dynamic. Implemented explicitly, so Get-Member, Select-Object *, Export-Csv and ConvertTo-Json
/// see only the type's own properties.
/// </summary>
internal interface IDynamicMembers
{
    bool TryGetMember(string name, out object? value);

    bool TrySetMember(string name, object? value);

    IEnumerable<string> MemberNames { get; }
}

/// <summary>
/// Binds member access on an <see cref="IDynamicMembers"/> object the way DynamicObject does, without DynamicObject's
/// public Try* methods. Getting: the type's own members win, then the dynamic ones, then the language's own "not found".
/// Setting: the dynamic ones first (a layer's fields convert one way whatever name they are set by), then the language's.
/// </summary>
internal sealed class DynamicMembersMeta : DynamicMetaObject
{
    private static readonly MethodInfo TryGet = typeof(IDynamicMembers).GetMethod(nameof(IDynamicMembers.TryGetMember))!;
    private static readonly MethodInfo TrySet = typeof(IDynamicMembers).GetMethod(nameof(IDynamicMembers.TrySetMember))!;

    public DynamicMembersMeta(Expression expression, IDynamicMembers value) : base(expression, BindingRestrictions.Empty, value)
    {
    }

    private Expression Self => Expression.Convert(Expression, typeof(IDynamicMembers));

    private BindingRestrictions TypeRestriction => BindingRestrictions.GetTypeRestriction(Expression, LimitType);

    public override DynamicMetaObject BindGetMember(GetMemberBinder binder)
    {
        var notFound = binder.FallbackGetMember(this);
        var value = Expression.Variable(typeof(object), "value");
        var dynamicGet = new DynamicMetaObject(
            Expression.Block(new[] { value },
                Expression.Condition(Expression.Call(Self, TryGet, Expression.Constant(binder.Name), value), value, AsObject(notFound.Expression))),
            TypeRestriction.Merge(notFound.Restrictions));
        return binder.FallbackGetMember(this, dynamicGet);
    }

    public override DynamicMetaObject BindSetMember(SetMemberBinder binder, DynamicMetaObject value)
    {
        // Dynamic members first: a layer's field, by its alias or by its own name ($p.IPv4.TimeToLive as $p.IPv4.ttl), is
        // set through the one converter; anything else binds as the language binds it.
        var fallback = binder.FallbackSetMember(this, value);
        var boxed = Expression.Convert(value.Expression, typeof(object));
        return new DynamicMetaObject(
            Expression.Condition(Expression.Call(Self, TrySet, Expression.Constant(binder.Name), boxed), boxed, AsObject(fallback.Expression)),
            TypeRestriction.Merge(value.Restrictions).Merge(fallback.Restrictions));
    }

    public override IEnumerable<string> GetDynamicMemberNames() => ((IDynamicMembers)Value!).MemberNames;

    private static Expression AsObject(Expression e) =>
        e.Type == typeof(void) ? Expression.Block(e, Expression.Default(typeof(object))) : e.Type == typeof(object) ? e : Expression.Convert(e, typeof(object));
}

// The JSON the DuckDB calls exchange with the library: statement arguments
// go in as one JSON array, query results come back as one JSON document.
// netstandard2.0 has no JSON API that Mono ships, so this reads and writes
// the small subset involved: objects, arrays, strings, numbers, booleans, null.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Dappco.Store
{
    internal static class Json
    {
        /// <summary>Encodes arguments as a JSON array (empty string for none).</summary>
        internal static string EncodeArgs(object[] args)
        {
            if (args == null || args.Length == 0)
                return string.Empty;
            var sb = new StringBuilder("[");
            for (int i = 0; i < args.Length; i++)
            {
                if (i > 0) sb.Append(',');
                object a = args[i];
                if (a == null) sb.Append("null");
                else if (a is bool) sb.Append((bool)a ? "true" : "false");
                else if (a is string) Quote(sb, (string)a);
                else if (a is sbyte || a is byte || a is short || a is ushort || a is int || a is uint || a is long || a is ulong)
                    sb.Append(Convert.ToString(a, CultureInfo.InvariantCulture));
                else if (a is float || a is double || a is decimal)
                {
                    double d = Convert.ToDouble(a, CultureInfo.InvariantCulture);
                    if (double.IsNaN(d) || double.IsInfinity(d))
                        throw new StoreInvalidArgumentException("argument " + (i + 1) + ": NaN and infinity cannot be bound");
                    string text = d.ToString("R", CultureInfo.InvariantCulture);
                    // Keep doubles doubles: "2" would bind as an integer.
                    if (text.IndexOfAny(new[] { '.', 'E', 'e' }) < 0) text += ".0";
                    sb.Append(text);
                }
                else if (a is DateTime)
                    Quote(sb, ((DateTime)a).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
                else
                    throw new StoreInvalidArgumentException("argument " + (i + 1) + " has unsupported type " + a.GetType().Name);
            }
            return sb.Append(']').ToString();
        }

        private static void Quote(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }

        /// <summary>
        /// Parses a JSON value: objects become Dictionary&lt;string, object&gt;,
        /// arrays List&lt;object&gt;, integers long (or decimal when larger),
        /// other numbers double, strings string, true/false bool, null null.
        /// </summary>
        internal static object Parse(string text)
        {
            int i = 0;
            object v = Value(text, ref i);
            Space(text, ref i);
            if (i != text.Length)
                throw new StoreInternalException("store: trailing data in JSON from the library");
            return v;
        }

        private static void Space(string s, ref int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        }

        private static object Value(string s, ref int i)
        {
            Space(s, ref i);
            if (i >= s.Length) throw Bad();
            char c = s[i];
            if (c == '{')
            {
                var obj = new Dictionary<string, object>();
                i++;
                Space(s, ref i);
                if (s[i] == '}') { i++; return obj; }
                while (true)
                {
                    Space(s, ref i);
                    string key = String(s, ref i);
                    Space(s, ref i);
                    if (s[i++] != ':') throw Bad();
                    obj[key] = Value(s, ref i);
                    Space(s, ref i);
                    if (s[i] == ',') { i++; continue; }
                    if (s[i++] != '}') throw Bad();
                    return obj;
                }
            }
            if (c == '[')
            {
                var list = new List<object>();
                i++;
                Space(s, ref i);
                if (s[i] == ']') { i++; return list; }
                while (true)
                {
                    list.Add(Value(s, ref i));
                    Space(s, ref i);
                    if (s[i] == ',') { i++; continue; }
                    if (s[i++] != ']') throw Bad();
                    return list;
                }
            }
            if (c == '"') return String(s, ref i);
            if (s.Length - i >= 4 && string.CompareOrdinal(s, i, "true", 0, 4) == 0) { i += 4; return true; }
            if (s.Length - i >= 5 && string.CompareOrdinal(s, i, "false", 0, 5) == 0) { i += 5; return false; }
            if (s.Length - i >= 4 && string.CompareOrdinal(s, i, "null", 0, 4) == 0) { i += 4; return null; }
            int start = i;
            bool integer = true;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0)
            {
                if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') integer = false;
                i++;
            }
            string num = s.Substring(start, i - start);
            if (num.Length == 0) throw Bad();
            long l;
            if (integer && long.TryParse(num, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            decimal m;
            if (integer && decimal.TryParse(num, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out m)) return m;
            return double.Parse(num, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private static string String(string s, ref int i)
        {
            if (s[i++] != '"') throw Bad();
            var sb = new StringBuilder();
            while (s[i] != '"')
            {
                char c = s[i++];
                if (c != '\\') { sb.Append(c); continue; }
                char e = s[i++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u': sb.Append((char)Convert.ToInt32(s.Substring(i, 4), 16)); i += 4; break;
                    default: sb.Append(e); break;
                }
            }
            i++;
            return sb.ToString();
        }

        private static Exception Bad()
        {
            return new StoreInternalException("store: malformed JSON from the library");
        }
    }
}

package com.remoterendering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Java surface walked against the core's table: a name the table has and Java lacks fails. */
class VocabularyTest {
    static final Map<String, Object> TABLE = Json.map(Json.parse(Vocabulary.json()));

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(String key) {
        return (List<Map<String, Object>>) (List<?>) TABLE.get(key);
    }

    static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    static String javaName(Map<String, Object> param) {
        Object names = param.get("names");
        if (names != null && Json.map(names).get("java") != null) {
            return (String) Json.map(names).get("java");
        }
        return camel((String) param.get("name"));
    }

    static Set<String> publicMethods(Class<?> c) {
        return Arrays.stream(c.getMethods()).filter(m -> Modifier.isPublic(m.getModifiers())).map(Method::getName)
                .collect(Collectors.toSet());
    }

    static String constantCase(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                b.append('_');
            }
            b.append(Character.toUpperCase(c));
        }
        return b.toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyEnumOfTheTableIsAClassWithAConstantPerValueAndTheSameTerminalOnes() throws Exception {
        List<Map<String, Object>> enums = list("enums");
        assertEquals(3, enums.size());
        for (Map<String, Object> e : enums) {
            String name = (String) e.get("name");
            Class<?> cls = Class.forName("com.remoterendering." + name);
            List<String> values = (List<String>) e.get("values");
            List<String> terminal = (List<String>) e.get("terminal");
            List<?> known = (List<?>) cls.getMethod("values").invoke(null);
            assertEquals(values, known.stream().map(Object::toString).collect(Collectors.toList()), name);
            for (String v : values) {
                Field f = cls.getField(constantCase(v));
                Object constant = f.get(null);
                assertEquals(v, constant.toString(), name + "." + f.getName());
                assertEquals(constant, cls.getMethod("fromString", String.class).invoke(null, v.toUpperCase()));
                assertTrue(((WireValue) constant).isKnown());
                if (!terminal.isEmpty() || name.endsWith("Status")) {
                    assertEquals(terminal.contains(v), cls.getMethod("isTerminal").invoke(constant), name + "." + v);
                }
            }
            WireValue later = (WireValue) cls.getMethod("fromString", String.class).invoke(null, "AddedLater");
            assertFalse(later.isKnown());
            assertEquals("AddedLater", later.toString());
        }
    }

    @Test
    void theTableIsTheCoresOfThisVersion() {
        assertEquals(NativeLoader.packageVersion(), TABLE.get("version"));
        assertEquals(NativeLoader.packageVersion(), Vocabulary.nativeVersion());
        assertEquals("RemoteRenderingException", Json.map(TABLE.get("base_error")).get("java"));
    }

    @Test
    void everyErrorCodeHasItsClassNamedAsTheJavaColumnWithThatCode() throws Exception {
        List<Map<String, Object>> errors = list("errors");
        assertEquals(15, errors.size());
        for (Map<String, Object> e : errors) {
            String code = (String) e.get("code");
            String cls = (String) Json.map(e.get("classes")).get("java");
            Class<?> c = Class.forName("com.remoterendering." + cls);
            assertTrue(RemoteRenderingException.class.isAssignableFrom(c), cls);
            assertTrue(Modifier.isPublic(c.getModifiers()), cls);
            Long status = Json.lng(e, "status");
            RemoteRenderingException x = Errors.create(new RemoteRenderingException.Data(code, "m",
                    status == null ? null : status.intValue(), null, null, null, Json.bool(e, "retriable"), null,
                    null, null));
            assertEquals(c, x.getClass(), code);
            assertEquals(code, x.code());
            assertEquals(Json.bool(e, "retriable"), x.isRetriable());
        }
    }

    @Test
    void everyOperationIsAPublicMethodOfTheClientWithItsAsyncTwin() {
        Set<String> methods = publicMethods(RemoteRenderingClient.class);
        for (Map<String, Object> op : list("operations")) {
            String name = (String) op.get("name");
            if (name.equals("client")) {
                continue;
            }
            String m = camel(name);
            assertTrue(methods.contains(m), "RemoteRenderingClient." + m);
            assertTrue(methods.contains(m + "Async"), "RemoteRenderingClient." + m + "Async");
        }
    }

    @Test
    void everyClientParameterIsABuilderMethod() {
        Set<String> methods = publicMethods(RemoteRenderingClient.Builder.class);
        Map<String, Object> client = list("operations").stream().filter(o -> "client".equals(o.get("name")))
                .findFirst().orElseThrow();
        for (Object p : (List<?>) client.get("params")) {
            String name = javaName(Json.map(p));
            assertTrue(methods.contains(name), "RemoteRenderingClient.Builder." + name);
        }
    }

    @Test
    void everyOptionalParameterOfTheWaitsAndKeepersIsAnOptionsMethod() {
        Set<String> wait = publicMethods(WaitOptions.class);
        Set<String> keep = publicMethods(KeepAliveOptions.class);
        Set<String> open = publicMethods(OpenSessionOptions.class);
        for (Map<String, Object> op : list("operations")) {
            String name = (String) op.get("name");
            for (Object p : (List<?>) op.get("params")) {
                Map<String, Object> param = Json.map(p);
                String n = javaName(param);
                if (Json.bool(param, "required")) {
                    continue;
                }
                switch (name) {
                    case "wait_for_session":
                    case "wait_for_sessions":
                    case "wait_for_conversion":
                        assertTrue(wait.contains(n), "WaitOptions." + n);
                        break;
                    case "keep_alive":
                        assertTrue(keep.contains(n), "KeepAliveOptions." + n);
                        break;
                    case "open_session":
                        assertTrue(open.contains(n) || keep.contains(n) || wait.contains(n),
                                "OpenSessionOptions (or its keeper/wait options)." + n);
                        break;
                    default:
                }
            }
        }
    }

    @Test
    void everyModelFieldIsARecordComponent() throws Exception {
        for (Map<String, Object> m : list("models")) {
            Class<?> c = Class.forName("com.remoterendering." + m.get("name"));
            assertTrue(c.isRecord(), c + " is a record");
            List<String> components = Arrays.stream(c.getRecordComponents()).map(RecordComponent::getName)
                    .collect(Collectors.toList());
            List<String> fields = ((List<?>) m.get("fields")).stream().map(f -> camel((String) f))
                    .collect(Collectors.toList());
            assertEquals(fields, components, "the fields of " + c.getSimpleName() + ", in order");
        }
    }

    @Test
    void everyDefaultIsTheOneJavaUses() throws Exception {
        for (Map<String, Object> d : list("defaults")) {
            String constant = ((String) d.get("name")).toUpperCase();
            Field f;
            try {
                f = Defaults.class.getField(constant);
            } catch (NoSuchFieldException e) {
                fail("Defaults." + constant + " is missing");
                return;
            }
            Object java = f.get(null);
            Object value = d.get("value");
            if (value instanceof Map) {
                assertEquals(Duration.ofMillis(Json.lng(Json.map(value), "ms")), java, constant);
            } else if (value instanceof Long) {
                assertEquals(((Long) value).intValue(), java, constant);
            } else if (java instanceof WireValue) {
                assertEquals(value, java.toString(), constant);
            } else {
                assertEquals(value, java, constant);
            }
        }
        // And the defaults of the parameters agree with the shared ones.
        for (Map<String, Object> op : list("operations")) {
            for (Object p : (List<?>) op.get("params")) {
                Map<String, Object> param = Json.map(p);
                Object v = param.get("default");
                String n = (String) param.get("name");
                if (n.equals("lease_minutes") && v != null) {
                    assertEquals(Defaults.LEASE_MINUTES, ((Long) v).intValue());
                }
                if (n.equals("poll_interval")) {
                    assertEquals(Defaults.POLL_INTERVAL.toMillis(), Json.lng(Json.map(v), "ms"));
                }
                if (n.equals("size")) {
                    assertEquals(Defaults.SESSION_SIZE.value(), v);
                }
            }
        }
    }

    @Test
    void theExceptionAccessorsAreTheSharedNames() {
        Set<String> methods = publicMethods(RemoteRenderingException.class);
        for (String m : List.of("code", "status", "msCv", "retryAfter", "field", "session", "conversion")) {
            assertTrue(methods.contains(m), "RemoteRenderingException." + m);
        }
        assertFalse(methods.contains("getCode"));
    }
}

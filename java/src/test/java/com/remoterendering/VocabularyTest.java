package com.remoterendering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Executable;
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
                    null, null, null, null));
            assertEquals(c, x.getClass(), code);
            assertEquals(code, x.code());
            assertEquals(Json.bool(e, "retriable"), x.isRetriable());
        }
    }

    /** Operations computed locally (no request, no file read): they have no async twin. */
    static final Set<String> LOCAL = Set.of("container_uri", "container", "container_sas", "input_sas", "output_sas",
            "blob_read_url", "asset_read_url");

    static Class<?> javaClass(Map<String, Object> object) throws ClassNotFoundException {
        return Class.forName("com.remoterendering." + Json.map(object.get("classes")).get("java"));
    }

    static List<String> names(Executable e) {
        return Arrays.stream(e.getParameters()).map(p -> {
            assertTrue(p.isNamePresent(), "compiled with -parameters: " + e);
            return p.getName();
        }).collect(Collectors.toList());
    }

    static List<String> javaNames(List<Map<String, Object>> params) {
        return params.stream().map(VocabularyTest::javaName).collect(Collectors.toList());
    }

    static boolean isDuration(Map<String, Object> param) {
        return param.get("default") instanceof Map;
    }

    /** The public methods of an options class, and of the option classes it takes. */
    static Map<String, Method> optionMethods(Class<?> options) {
        Map<String, Method> out = new java.util.HashMap<>();
        for (Method m : options.getMethods()) {
            out.putIfAbsent(m.getName(), m);
            for (Class<?> t : m.getParameterTypes()) {
                if (t != options && t.getName().startsWith("com.remoterendering.") && t.getSimpleName().endsWith("Options")) {
                    for (Method inner : t.getMethods()) {
                        out.putIfAbsent(inner.getName(), inner);
                    }
                }
            }
        }
        return out;
    }

    /**
     * That the executables named {@code what} take the table's parameters: one with just the
     * required ones, in order, and one with all of them: as trailing parameters (a {@code
     * Duration} for a duration), or as the methods of a trailing options class.
     */
    static void takesTheParameters(String what, List<? extends Executable> overloads, List<Map<String, Object>> params) {
        List<Map<String, Object>> required = params.stream().filter(p -> Json.bool(p, "required"))
                .collect(Collectors.toList());
        List<Map<String, Object>> optional = params.stream().filter(p -> !Json.bool(p, "required"))
                .collect(Collectors.toList());
        List<String> req = javaNames(required);
        List<String> all = new java.util.ArrayList<>(req);
        all.addAll(javaNames(optional));
        assertTrue(overloads.stream().anyMatch(e -> names(e).equals(req)), what + "(" + req + ")");
        if (optional.isEmpty()) {
            return;
        }
        for (Executable e : overloads) {
            List<String> n = names(e);
            if (n.equals(all)) {
                for (int i = 0; i < all.size(); i++) {
                    Map<String, Object> p = i < req.size() ? required.get(i) : optional.get(i - req.size());
                    if (!Json.bool(p, "required") && isDuration(p)) {
                        assertEquals(Duration.class, e.getParameterTypes()[i], what + "." + all.get(i));
                    }
                }
                return;
            }
            if (n.size() == req.size() + 1 && n.subList(0, req.size()).equals(req)) {
                Class<?> options = e.getParameterTypes()[req.size()];
                if (!options.getSimpleName().endsWith("Options")) {
                    continue;
                }
                Map<String, Method> methods = optionMethods(options);
                for (Map<String, Object> p : optional) {
                    String name = javaName(p);
                    Method m = methods.get(name);
                    assertTrue(m != null, what + ": " + options.getSimpleName() + "." + name);
                    if (isDuration(p)) {
                        assertEquals(Duration.class, m.getParameterTypes()[0], options.getSimpleName() + "." + name);
                    }
                }
                return;
            }
        }
        fail(what + " takes " + all + " (trailing parameters or an options class)");
    }

    @Test
    void everyObjectIsAClassAndEveryOperationOfItAMethodWithTheTablesParameters() throws Exception {
        List<Map<String, Object>> objects = list("objects");
        assertEquals(List.of("client", "storage_account", "blob_container"),
                objects.stream().map(o -> o.get("name")).collect(Collectors.toList()));
        int walked = 0;
        for (Map<String, Object> object : objects) {
            String name = (String) object.get("name");
            Class<?> c = javaClass(object);
            assertTrue(Modifier.isPublic(c.getModifiers()), c.getName());
            assertTrue(AutoCloseable.class.isAssignableFrom(c), c.getSimpleName() + " is AutoCloseable");
            for (Map<String, Object> op : list("operations")) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> params = (List<Map<String, Object>>) (List<?>) op.get("params");
                String opName = (String) op.get("name");
                if ("".equals(op.get("of")) && opName.equals(name)) {
                    // The client is built by its builder (everyClientParameterIsABuilderMethod).
                    if (!name.equals("client")) {
                        takesTheParameters("new " + c.getSimpleName(), Arrays.asList(c.getConstructors()), params);
                    }
                    walked++;
                    continue;
                }
                if (!name.equals(op.get("of"))) {
                    continue;
                }
                String m = camel(opName);
                List<Method> overloads = Arrays.stream(c.getMethods()).filter(x -> x.getName().equals(m))
                        .collect(Collectors.toList());
                assertFalse(overloads.isEmpty(), c.getSimpleName() + "." + m);
                takesTheParameters(c.getSimpleName() + "." + m, overloads, params);
                if (!LOCAL.contains(opName)) {
                    List<Method> async = Arrays.stream(c.getMethods()).filter(x -> x.getName().equals(m + "Async"))
                            .collect(Collectors.toList());
                    assertFalse(async.isEmpty(), c.getSimpleName() + "." + m + "Async");
                    takesTheParameters(c.getSimpleName() + "." + m + "Async", async, params);
                    for (Method a : async) {
                        assertEquals(java.util.concurrent.CompletableFuture.class, a.getReturnType(), a.toString());
                    }
                }
                walked++;
            }
        }
        assertEquals(list("operations").size(), walked, "every operation belongs to an object");
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
            } else if (value instanceof Long && java instanceof Long) {
                assertEquals(value, java, constant);
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
                // The defaults the storage overloads and UploadOptions fall back on.
                String of = (String) op.get("name");
                if (n.equals("expiry")) {
                    assertEquals(Defaults.SAS_EXPIRY.toMillis(), Json.lng(Json.map(v), "ms"), of);
                }
                if (n.equals("concurrency")) {
                    assertEquals(Defaults.UPLOAD_CONCURRENCY, ((Long) v).intValue(), of);
                }
                if (n.equals("max_bytes")) {
                    assertEquals(Defaults.READ_MAX_BYTES, v, of);
                }
                if (n.equals("prefix")) {
                    assertEquals("", v, of);
                }
                if (n.equals("timeout")) {
                    Duration d = Duration.ofMillis(Json.lng(Json.map(v), "ms"));
                    Duration java = of.equals("upload") ? Defaults.UPLOAD_TIMEOUT
                            : of.startsWith("wait_for_conversion") ? Defaults.CONVERSION_WAIT_TIMEOUT
                            : Defaults.SESSION_WAIT_TIMEOUT;
                    assertEquals(java, d, of);
                }
            }
        }
    }

    @Test
    void everyErrorFieldIsAnAccessorOfEveryExceptionUnderItsJavaName() {
        List<Map<String, Object>> fields = list("error_fields");
        Set<String> names = fields.stream().map(f -> (String) f.get("name")).collect(Collectors.toSet());
        assertTrue(names.containsAll(List.of("upload_report", "conversion_report", "message", "retriable")), "" + names);
        for (Map<String, Object> e : list("errors")) {
            Class<?> cls;
            try {
                cls = Class.forName("com.remoterendering." + Json.map(e.get("classes")).get("java"));
            } catch (ClassNotFoundException x) {
                fail(x.toString());
                return;
            }
            for (Map<String, Object> f : fields) {
                String java = javaName(f);
                try {
                    Method m = cls.getMethod(java);
                    assertTrue(Modifier.isPublic(m.getModifiers()), cls.getSimpleName() + "." + java);
                } catch (NoSuchMethodException x) {
                    fail(cls.getSimpleName() + "." + java + "() is missing");
                }
            }
        }
        assertFalse(publicMethods(RemoteRenderingException.class).contains("getCode"));
        // The new attributes arrive from the native error as they are.
        RemoteRenderingException x = Errors.fromJson(Json.map(Json.parse("{\"code\":\"CANCELLED\",\"message\":\"m\","
                + "\"uploadReport\":{\"uploaded\":[\"a\"],\"notUploaded\":[\"b\",\"c\"],\"bytes\":3},"
                + "\"conversionReport\":\"--- x.result.json\"}")));
        assertEquals(new UploadReport(List.of("a"), List.of("b", "c"), 3), x.uploadReport().orElseThrow());
        assertEquals("--- x.result.json", x.conversionReport().orElseThrow());
        RemoteRenderingException none = Errors.fromJson(Json.map(Json.parse("{\"code\":\"CANCELLED\",\"message\":\"m\"}")));
        assertTrue(none.uploadReport().isEmpty());
        assertTrue(none.conversionReport().isEmpty());
    }
}

package com.remoterendering;

/**
 * The functions of the JNI library (bindings/java). Each returns one JSON envelope ({@link
 * Errors#unwrap}) or a plain value; none throws. Handles are owned by {@link Handle}.
 */
final class Native {
    private Native() {
    }

    static {
        NativeLoader.load();
    }

    /** Loads the library (the static initializer), checking its version. */
    static void ensureLoaded() {
    }

    static native String version();

    static native String vocabularyJson();

    static native String clientNew(String optionsJson, Object tokenBridge);

    static native void clientFree(long client);

    static native String invoke(long client, String op, String argsJson, Object progress, long cancel);

    static native String invokeAsync(long client, String op, String argsJson, Object progress, long cancel,
            Object call);

    static native void abort(long call);

    static native long cancelNew();

    static native void cancelFire(long token);

    static native void cancelFree(long token);

    static native String streamNew(long client, String kind);

    static native String streamNext(long stream);

    static native void streamFree(long stream);

    static native String keeperInfo(long keeper);

    static native String keeperClose(long keeper, boolean detach);

    static native void keeperFree(long keeper);

    static native String managedInfo(long managed);

    static native String managedClose(long managed);

    static native void managedFree(long managed);

    static native String emulatorNew(String optionsJson);

    static native String emulatorCall(long emulator, String op, String argsJson);

    static native void emulatorFree(long emulator);

    static native String storageAccountNew(String optionsJson);

    static native void storageAccountFree(long account);

    static native String blobContainerNew(String optionsJson);

    static native void blobContainerFree(long container);

    /** An operation of a storage object; {@code kind} is {@code storageAccount} or {@code blobContainer}. */
    static native String storageInvoke(long object, String kind, String op, String argsJson, Object progress,
            long cancel);

    static native String storageInvokeAsync(long object, String kind, String op, String argsJson, Object progress,
            long cancel, Object call);

    static native String setLogSink(Object bridge, String level);

    static native String panicForTest();

    static native String panicForTestAsync(Object call);

    /** Starts the core's Azurite launcher: its handle, PID and endpoint, or why it is unavailable. */
    static native String azuriteStartForTest();

    /** Stops that Azurite by its PID and removes its data. */
    static native void azuriteStopForTest(long azurite);
}

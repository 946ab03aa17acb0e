# Defines the imported targets of the remote_rendering library, given
# RemoteRendering_INCLUDE_DIR, RemoteRendering_LIBRARY_DIR and RemoteRendering_SONAME (empty where
# the library has none):
#
#   RemoteRendering::remote_rendering_shared   libremote_rendering.so
#   RemoteRendering::remote_rendering_static   libremote_rendering.a (+ the system libraries
#                                              the Rust standard library needs)
#   RemoteRendering::remote_rendering          the shared one, or the static one when
#                                              RemoteRendering_USE_STATIC_LIBS is ON
if(TARGET RemoteRendering::remote_rendering)
  return()
endif()

if(NOT TARGET Threads::Threads)
  find_package(Threads REQUIRED)
endif()

add_library(RemoteRendering::remote_rendering_shared SHARED IMPORTED GLOBAL)
set_target_properties(RemoteRendering::remote_rendering_shared PROPERTIES
  IMPORTED_LOCATION "${RemoteRendering_LIBRARY_DIR}/${CMAKE_SHARED_LIBRARY_PREFIX}remote_rendering${CMAKE_SHARED_LIBRARY_SUFFIX}"
  INTERFACE_INCLUDE_DIRECTORIES "${RemoteRendering_INCLUDE_DIR}")
if(RemoteRendering_SONAME)
  # bindings/c/build.rs gives the library a versioned SONAME: programs record that name.
  set_target_properties(RemoteRendering::remote_rendering_shared PROPERTIES
    IMPORTED_SONAME "${RemoteRendering_SONAME}")
else()
  # No SONAME: link it by name (-lremote_rendering), not by path.
  set_target_properties(RemoteRendering::remote_rendering_shared PROPERTIES IMPORTED_NO_SONAME TRUE)
endif()

add_library(RemoteRendering::remote_rendering_static STATIC IMPORTED GLOBAL)
set_target_properties(RemoteRendering::remote_rendering_static PROPERTIES
  IMPORTED_LOCATION "${RemoteRendering_LIBRARY_DIR}/${CMAKE_STATIC_LIBRARY_PREFIX}remote_rendering${CMAKE_STATIC_LIBRARY_SUFFIX}"
  IMPORTED_LINK_INTERFACE_LANGUAGES "C"
  INTERFACE_INCLUDE_DIRECTORIES "${RemoteRendering_INCLUDE_DIR}"
  # What `cargo rustc --crate-type staticlib -- --print native-static-libs` lists.
  INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m;rt;util")

add_library(RemoteRendering::remote_rendering INTERFACE IMPORTED GLOBAL)
if(RemoteRendering_USE_STATIC_LIBS)
  set_target_properties(RemoteRendering::remote_rendering PROPERTIES
    INTERFACE_LINK_LIBRARIES RemoteRendering::remote_rendering_static)
else()
  set_target_properties(RemoteRendering::remote_rendering PROPERTIES
    INTERFACE_LINK_LIBRARIES RemoteRendering::remote_rendering_shared)
endif()

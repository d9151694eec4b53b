using NetSock.Capture;

namespace NetSock.Tests;

public class CaptureLibraryTests
{
    [Fact]
    public void LibpcapIsFoundAndReportsItsVersion() =>
        Assert.StartsWith("libpcap version", CaptureLibrary.Version);

    [Fact]
    public void AMissingLibpcapIsAnErrorThatNamesTheDebianPackage()
    {
        var e = CaptureLibrary.Missing(new DllNotFoundException("libpcap"));
        Assert.Equal("CaptureLibraryMissing", e.ErrorId);
        Assert.Equal(NetSockErrorKind.NotSupported, e.Kind);
        Assert.Contains("apt-get install libpcap0.8", e.Message);
        Assert.IsType<DllNotFoundException>(e.InnerException);
    }
}
